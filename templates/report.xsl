<?xml version="1.0" encoding="UTF-8"?>
<!-- report.xsl - renders wudiag's report XML (urn:wudiag:report:1, version 2)
     as one self-contained HTML page: the verdict and the first fix on the
     first screen; findings cause first, each citing its evidence and the
     fixes to try; each fix's steps once; the updates and streams in their
     current state (resolved and superseded failures read as history); the
     services, facts, timeline, notes, sources and codes behind it. No
     script, no external resource; dark mode, phone and print layouts.
     Restyle freely; keep every evidence value as text. -->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:r="urn:wudiag:report:1"
                exclude-result-prefixes="r">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>
  <xsl:key name="fact-value" match="r:fact/r:value" use="concat(generate-id(..), '|', @source, '|', .)"/>

  <xsl:key name="fix" match="r:fixes/r:fix" use="@name"/>
  <xsl:key name="issue" match="r:known-issues/r:known-issue" use="@name"/>
  <xsl:key name="finding" match="r:findings/r:finding" use="@id"/>
  <xsl:key name="effects" match="r:findings/r:finding[@cause]" use="@cause"/>
  <xsl:key name="uses" match="r:findings/r:finding/r:fix" use="@name"/>
  <xsl:key name="code" match="r:codes/r:code" use="@value"/>

  <xsl:variable name="win" select="/r:report/r:machine/@windows"/>
  <xsl:variable name="v" select="/r:report/r:verdict/@status"/>

  <!-- ======================================================== page -->
  <xsl:template match="/r:report">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <meta name="referrer" content="no-referrer"/>
        <title>
          <xsl:text>Windows Update report: </xsl:text>
          <xsl:value-of select="r:machine/@name"/>
          <xsl:text> (</xsl:text>
          <xsl:value-of select="$v"/>
          <xsl:text>)</xsl:text>
        </title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header>
          <h1>
            <xsl:text>Windows Update on </xsl:text>
            <span class="machine"><xsl:value-of select="r:machine/@name"/></span>
          </h1>
          <p class="sub">
            <xsl:call-template name="os-line"/>
            <xsl:if test="r:run/r:snapshot/@evidence-time">
              <xsl:text>Evidence </xsl:text>
              <xsl:if test="r:run/r:snapshot/@evidence-start">
                <xsl:text>from </xsl:text>
                <xsl:call-template name="day"><xsl:with-param name="t" select="r:run/r:snapshot/@evidence-start"/></xsl:call-template>
                <xsl:text> </xsl:text>
              </xsl:if>
              <xsl:text>to </xsl:text>
              <xsl:call-template name="day"><xsl:with-param name="t" select="r:run/r:snapshot/@evidence-time"/></xsl:call-template>
              <xsl:text> · </xsl:text>
            </xsl:if>
            <xsl:text>collected </xsl:text>
            <xsl:call-template name="time"><xsl:with-param name="t" select="r:run/r:snapshot/@collected-at"/></xsl:call-template>
            <xsl:if test="r:run/@redacted = 'true'"> · names redacted</xsl:if>
          </p>
          <xsl:apply-templates select="r:machine[count(r:computer) &gt; 1]" mode="computers"/>
        </header>
        <main>
          <xsl:call-template name="summary"/>
          <nav class="toc" aria-label="Contents">
            <a href="#findings">Findings</a>
            <a href="#fixes">Fixes</a>
            <xsl:if test="r:fix-journal"><a href="#fix-journal">What wudiag fix did</a></xsl:if>
            <a href="#updates">Updates</a>
            <a href="#services">Services</a>
            <a href="#facts">Facts</a>
            <a href="#timeline">Timeline</a>
            <a href="#notes">Evidence read</a>
            <a href="#codes">Codes</a>
            <a href="#run">Run</a>
          </nav>
          <xsl:apply-templates select="r:findings"/>
          <xsl:apply-templates select="r:fixes"/>
          <xsl:apply-templates select="r:fix-journal"/>
          <xsl:apply-templates select="r:updates"/>
          <xsl:apply-templates select="r:streams"/>
          <xsl:apply-templates select="r:services"/>
          <xsl:apply-templates select="r:facts"/>
          <xsl:apply-templates select="r:timeline"/>
          <xsl:call-template name="evidence-read"/>
          <xsl:apply-templates select="r:codes"/>
          <xsl:apply-templates select="r:run"/>
        </main>
        <footer>
          <xsl:text>wudiag </xsl:text>
          <xsl:value-of select="r:run/r:tool/@version"/>
          <xsl:text> · report format </xsl:text>
          <xsl:value-of select="@version"/>
          <xsl:if test="r:run/@scope = 'summary'"> · the XML and JSON reports (--format xml, json) hold every row</xsl:if>
        </footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="os-line">
    <xsl:variable name="m" select="r:machine"/>
    <xsl:if test="$m/@product or $m/@build">
      <xsl:value-of select="$m/@product"/>
      <xsl:if test="not($m/@product) and $m/@windows">Windows <xsl:value-of select="$m/@windows"/></xsl:if>
      <xsl:if test="$m/@version">
        <xsl:text> </xsl:text><xsl:value-of select="$m/@version"/>
      </xsl:if>
      <xsl:if test="$m/@build">
        <xsl:text> (build </xsl:text>
        <xsl:value-of select="$m/@build"/>
        <xsl:if test="$m/@ubr">.<xsl:value-of select="$m/@ubr"/></xsl:if>
        <xsl:text>)</xsl:text>
      </xsl:if>
      <xsl:text> · </xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- evidence that names more than one computer is said, never merged; a
       name seen for a few records only (the setup name before the PC got its
       own) is mentioned quietly, as the judgement (several-computers) decides -->
  <xsl:template match="r:machine" mode="computers">
    <xsl:variable name="several" select="/r:report/r:findings/r:finding[@rule = 'several-computers']"/>
    <p id="computers">
      <xsl:attribute name="class"><xsl:choose><xsl:when test="$several">notice</xsl:when><xsl:otherwise>dim</xsl:otherwise></xsl:choose></xsl:attribute>
      <xsl:choose>
        <xsl:when test="$several"><strong>The evidence names <xsl:value-of select="count(r:computer)"/> computers: </strong></xsl:when>
        <xsl:otherwise>A few records name another computer (likely this PC's name before it was renamed): </xsl:otherwise>
      </xsl:choose>
      <xsl:for-each select="r:computer">
        <xsl:if test="position() &gt; 1">, </xsl:if>
        <xsl:value-of select="@name"/>
        <span class="dim"> (<xsl:value-of select="@records"/> records<xsl:if test="@main = 'true'">, this machine</xsl:if>)</span>
      </xsl:for-each>
      <xsl:if test="$several"><xsl:text>. Records of another computer may not describe this one.</xsl:text></xsl:if>
    </p>
  </xsl:template>

  <!-- ================================================ first screen -->
  <xsl:template name="summary">
    <xsl:variable name="vd" select="r:verdict"/>
    <section class="summary" aria-label="Verdict">
      <div id="verdict" class="verdict v-{$v}">
        <span class="label">
          <xsl:choose>
            <xsl:when test="$v = 'healthy'">Healthy</xsl:when>
            <xsl:when test="$v = 'warning'">Warning</xsl:when>
            <xsl:when test="$v = 'incomplete'">Incomplete</xsl:when>
            <xsl:otherwise>Failing</xsl:otherwise>
          </xsl:choose>
        </span>
        <span class="text"><xsl:value-of select="$vd/r:summary"/></span>
      </div>
      <xsl:if test="$vd/@incomplete = 'true'">
        <p class="notice incomplete">
          <strong>Incomplete evidence: </strong>
          <xsl:call-template name="unread-text"/>
          <xsl:text> What could not be read cannot show a problem, so a problem may be missing here. </xsl:text>
          <a href="#notes">What was not read</a>
        </p>
      </xsl:if>
      <xsl:variable name="ff" select="$vd/r:first-fix"/>
      <div id="first-fix" class="first-fix">
        <xsl:choose>
          <xsl:when test="$ff">
            <xsl:variable name="fx" select="key('fix', $ff/@name)"/>
            <h2>First fix to try: <xsl:value-of select="$fx/r:title"/></h2>
            <p class="for">
              <xsl:text>For: </xsl:text>
              <a href="#{$ff/@finding}"><xsl:value-of select="key('finding', $ff/@finding)/r:title"/></a>
            </p>
            <xsl:apply-templates select="$fx" mode="body"/>
          </xsl:when>
          <xsl:otherwise>
            <h2>First fix to try: none needed</h2>
            <p>Nothing in the evidence calls for a fix now.</p>
          </xsl:otherwise>
        </xsl:choose>
      </div>
      <xsl:variable name="top" select="r:findings/r:finding[@state = 'current']"/>
      <xsl:if test="count($top) &gt; 1">
        <h2 class="small">What is wrong now</h2>
        <ul class="top">
          <xsl:for-each select="$top[position() &lt;= 5]">
            <xsl:variable name="p" select="position()"/>
            <li>
              <xsl:call-template name="badge"><xsl:with-param name="s" select="@severity"/></xsl:call-template>
              <a href="#{@id}"><xsl:value-of select="r:title"/></a>
              <xsl:choose>
                <xsl:when test="@cause and $top[$p - 1]/@id = @cause"><span class="dim"> (caused by the one above)</span></xsl:when>
                <xsl:when test="@cause"><span class="dim"> (caused by another problem here)</span></xsl:when>
              </xsl:choose>
            </li>
          </xsl:for-each>
          <xsl:if test="count($top) &gt; 5">
            <li class="dim"><a href="#findings"><xsl:value-of select="count($top) - 5"/> more</a></li>
          </xsl:if>
        </ul>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template name="unread-text">
    <xsl:variable name="n" select="/r:report/r:notes"/>
    <xsl:if test="$n/@unreadable &gt; 0">
      <xsl:value-of select="$n/@unreadable"/>
      <xsl:text> evidence file</xsl:text><xsl:if test="$n/@unreadable != 1">s</xsl:if>
      <xsl:text> could not be read at all</xsl:text>
      <xsl:if test="$n/@limit &gt; 0">; </xsl:if>
    </xsl:if>
    <xsl:if test="$n/@limit &gt; 0">
      <xsl:value-of select="$n/@limit"/>
      <xsl:text> time</xsl:text><xsl:if test="$n/@limit != 1">s</xsl:if>
      <xsl:text> the evidence was cut by a size or count limit</xsl:text>
    </xsl:if>
    <xsl:text>.</xsl:text>
  </xsl:template>

  <xsl:template name="badge">
    <xsl:param name="s"/>
    <span class="badge s-{$s}"><xsl:value-of select="$s"/></span>
    <xsl:text> </xsl:text>
  </xsl:template>

  <!-- ====================================================== findings -->
  <xsl:template match="r:findings">
    <section id="findings">
      <h2>Findings <span class="count">
        <xsl:value-of select="@current"/> current<xsl:if test="@resolved &gt; 0">, <xsl:value-of select="@resolved"/> resolved</xsl:if>
      </span></h2>
      <xsl:if test="not(r:finding)"><p>No problems found in the evidence.</p></xsl:if>
      <xsl:if test="@shown &lt; @total">
        <p class="notice">Showing <xsl:value-of select="@shown"/> of <xsl:value-of select="@total"/> findings, the most severe first.</p>
      </xsl:if>
      <xsl:apply-templates select="r:finding"/>
    </section>
  </xsl:template>

  <xsl:template match="r:finding">
    <article id="{@id}" class="finding f-{@severity} fs-{@state}">
      <h3>
        <xsl:call-template name="badge"><xsl:with-param name="s" select="@severity"/></xsl:call-template>
        <xsl:if test="@state = 'resolved'"><span class="badge s-history">resolved</span><xsl:text> </xsl:text></xsl:if>
        <xsl:value-of select="r:title"/>
      </h3>
      <xsl:if test="@cause">
        <p class="cause">
          <xsl:text>Caused by: </xsl:text>
          <a href="#{@cause}"><xsl:value-of select="key('finding', @cause)/r:title"/></a>
          <xsl:text>. Fix that first.</xsl:text>
        </p>
      </xsl:if>
      <xsl:variable name="effects" select="key('effects', @id)"/>
      <xsl:if test="$effects">
        <p class="cause">
          <xsl:text>Causes: </xsl:text>
          <xsl:for-each select="$effects">
            <xsl:if test="position() &gt; 1">; </xsl:if>
            <a href="#{@id}"><xsl:value-of select="r:title"/></a>
          </xsl:for-each>
        </p>
      </xsl:if>
      <p><xsl:value-of select="r:explanation"/></p>
      <xsl:apply-templates select="key('issue', @known-issue)" mode="box"/>
      <xsl:if test="r:fix">
        <h4>Fixes, in the order to try them</h4>
        <ol class="fixes">
          <xsl:for-each select="r:fix">
            <xsl:variable name="fx" select="key('fix', @name)"/>
            <li>
              <xsl:if test="@already-failed = 'true'"><xsl:attribute name="class">failed</xsl:attribute></xsl:if>
              <a href="#{$fx/@id}"><xsl:value-of select="$fx/r:title"/></a>
              <xsl:if test="@already-failed = 'true'">
                <xsl:text> </xsl:text>
                <span class="failed-note"><xsl:call-template name="failed-text"><xsl:with-param name="fx" select="$fx"/></xsl:call-template></span>
              </xsl:if>
            </li>
          </xsl:for-each>
        </ol>
      </xsl:if>
      <xsl:if test="r:evidence">
        <h4>Evidence</h4>
        <ul class="evidence">
          <xsl:apply-templates select="r:evidence[position() &lt;= 6]"/>
        </ul>
        <xsl:if test="count(r:evidence) &gt; 6">
          <details>
            <summary><xsl:value-of select="count(r:evidence) - 6"/> more</summary>
            <ul class="evidence"><xsl:apply-templates select="r:evidence[position() &gt; 6]"/></ul>
          </details>
        </xsl:if>
      </xsl:if>
      <p class="rule">Rule <code><xsl:value-of select="@rule"/></code></p>
    </article>
  </xsl:template>

  <!-- "Repair the Windows image with DISM already failed 3 times here: ..." -->
  <xsl:template name="failed-text">
    <xsl:param name="fx"/>
    <xsl:text>Already failed </xsl:text>
    <xsl:choose>
      <xsl:when test="$fx/@failures = 1">once</xsl:when>
      <xsl:when test="$fx/@failures"><xsl:value-of select="$fx/@failures"/> times</xsl:when>
      <xsl:otherwise>before</xsl:otherwise>
    </xsl:choose>
    <xsl:text> here</xsl:text>
    <xsl:choose>
      <xsl:when test="$fx/@instead and key('fix', $fx/@instead)">
        <xsl:text>: </xsl:text>
        <a href="#fix-{$fx/@instead}"><xsl:value-of select="key('fix', $fx/@instead)/r:title"/></a>
        <xsl:text> instead.</xsl:text>
      </xsl:when>
      <xsl:otherwise>: repeating it is unlikely to help.</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="r:evidence">
    <li>
      <span class="where"><xsl:value-of select="@label"/></span>
      <xsl:if test="@time">
        <span class="dim"><xsl:text> · </xsl:text>
          <xsl:call-template name="time"><xsl:with-param name="t" select="@time"/></xsl:call-template></span>
      </xsl:if>
      <xsl:if test="@code">
        <xsl:text> · </xsl:text><code><xsl:value-of select="@code"/></code>
      </xsl:if>
      <xsl:if test="string(.)"><br/><span class="line"><xsl:value-of select="."/></span></xsl:if>
    </li>
  </xsl:template>

  <xsl:template match="r:known-issue" mode="box">
    <aside class="known-issue" id="{@id}">
      <h4>Known issue: <xsl:value-of select="r:title"/></h4>
      <p><xsl:value-of select="r:cause"/></p>
      <p><strong>What to do: </strong><xsl:value-of select="r:workaround"/></p>
      <xsl:if test="starts-with(r:source, 'https://')">
        <p class="source">Documented at
          <a href="{r:source}" rel="noopener noreferrer"><xsl:value-of select="r:source"/></a></p>
      </xsl:if>
    </aside>
  </xsl:template>

  <!-- ========================================================= fixes -->
  <xsl:template match="r:fixes">
    <section id="fixes">
      <h2>Fixes <span class="count"><xsl:value-of select="@total"/></span></h2>
      <xsl:if test="not(r:fix)"><p>No fix is needed.</p></xsl:if>
      <xsl:for-each select="r:fix">
        <article class="fix" id="{@id}">
          <xsl:if test="@already-failed = 'true'"><xsl:attribute name="class">fix failed</xsl:attribute></xsl:if>
          <h3><xsl:value-of select="r:title"/></h3>
          <xsl:if test="@already-failed = 'true'">
            <p class="failed-note"><xsl:call-template name="failed-text"><xsl:with-param name="fx" select="."/></xsl:call-template></p>
          </xsl:if>
          <p class="for">
            <xsl:text>For: </xsl:text>
            <xsl:for-each select="key('uses', @name)/..">
              <xsl:if test="position() &gt; 1">; </xsl:if>
              <a href="#{@id}"><xsl:value-of select="r:title"/></a>
            </xsl:for-each>
          </p>
          <xsl:choose>
            <xsl:when test="@name = /r:report/r:verdict/r:first-fix/@name">
              <p>The first fix to try: its steps are <a href="#first-fix">at the top of the report</a>.</p>
            </xsl:when>
            <xsl:otherwise><xsl:apply-templates select="." mode="body"/></xsl:otherwise>
          </xsl:choose>
        </article>
      </xsl:for-each>
    </section>
  </xsl:template>

  <xsl:template match="r:fix" mode="body">
    <xsl:if test="@admin = 'true'"><p><span class="admin">needs an administrator</span></p></xsl:if>
    <xsl:if test="string(r:why)"><p class="why"><xsl:value-of select="r:why"/></p></xsl:if>
    <xsl:variable name="steps" select="r:step[@os = 'any' or not($win) or @os = $win]"/>
    <xsl:if test="$steps">
      <ol class="steps">
        <xsl:for-each select="$steps">
          <li>
            <xsl:if test="@os != 'any'">
              <span class="os">Windows <xsl:value-of select="@os"/>: </span>
            </xsl:if>
            <xsl:value-of select="."/>
          </li>
        </xsl:for-each>
      </ol>
    </xsl:if>
    <xsl:if test="string(r:risk)"><p class="risk">Risk: <xsl:value-of select="r:risk"/></p></xsl:if>
  </xsl:template>

  <!-- ======================================================= updates -->
  <xsl:template match="r:updates">
    <section id="updates">
      <h2>Updates <span class="count"><xsl:value-of select="@total"/></span></h2>
      <p class="dim">
        <xsl:call-template name="state-counts"/>
        <xsl:if test="@shown &lt; @total - @ok">
          <xsl:text> Showing </xsl:text><xsl:value-of select="@shown"/>
          <xsl:text>: what needs attention first.</xsl:text>
        </xsl:if>
      </p>
      <xsl:if test="r:update">
        <div class="scroll">
          <table class="stack subjects">
            <thead><tr><th>Update</th><th>Now</th><th>Failures</th><th>Codes</th><th>Failed</th></tr></thead>
            <tbody><xsl:apply-templates select="r:update"/></tbody>
          </table>
        </div>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template name="state-counts">
    <xsl:if test="@failing &gt; 0"><xsl:value-of select="@failing"/> failing. </xsl:if>
    <xsl:if test="@pending-reboot &gt; 0"><xsl:value-of select="@pending-reboot"/> waiting for a restart. </xsl:if>
    <xsl:if test="@in-progress &gt; 0"><xsl:value-of select="@in-progress"/> in progress. </xsl:if>
    <xsl:if test="@resolved + @superseded &gt; 0">
      <xsl:value-of select="@resolved + @superseded"/> failed before and no longer matter (resolved or superseded).
    </xsl:if>
    <xsl:if test="@ok &gt; 0"><xsl:value-of select="@ok"/> fine. </xsl:if>
  </xsl:template>

  <xsl:template match="r:update | r:stream">
    <xsl:variable name="history" select="@state = 'resolved' or @state = 'superseded' or @state = 'ok'"/>
    <tr class="st-{@state}">
      <xsl:if test="$history"><xsl:attribute name="class">st-<xsl:value-of select="@state"/> history</xsl:attribute></xsl:if>
      <td data-label="What">
        <xsl:choose>
          <xsl:when test="self::r:update">
            <xsl:value-of select="@title"/>
            <xsl:if test="not(@title)"><xsl:value-of select="@key"/></xsl:if>
            <xsl:if test="@kb and not(contains(@title, @kb))"><xsl:text> </xsl:text><span class="kb"><xsl:value-of select="@kb"/></span></xsl:if>
          </xsl:when>
          <xsl:otherwise>
            <strong><xsl:call-template name="stream-name"/></strong>
            <xsl:if test="@target"><br/><span class="dim"><xsl:value-of select="@target"/></span></xsl:if>
          </xsl:otherwise>
        </xsl:choose>
      </td>
      <td data-label="Now"><xsl:call-template name="subject-state"/></td>
      <td data-label="Failures" class="num">
        <xsl:value-of select="@failures"/>
        <xsl:if test="@attempts != @failures"><span class="dim"> in <xsl:value-of select="@attempts"/> attempts</span></xsl:if>
      </td>
      <td data-label="Codes" class="codes">
        <xsl:for-each select="r:code">
          <xsl:if test="position() &gt; 1"><br/></xsl:if>
          <code><xsl:value-of select="@value"/></code>
          <xsl:if test="@symbol"><br/><span class="sym"><xsl:value-of select="@symbol"/></span></xsl:if>
        </xsl:for-each>
      </td>
      <td data-label="Failed" class="when">
        <xsl:if test="@first-failure">
          <xsl:call-template name="day"><xsl:with-param name="t" select="@first-failure"/></xsl:call-template>
          <xsl:if test="substring(@last-failure, 1, 10) != substring(@first-failure, 1, 10)">
            <xsl:text> to </xsl:text>
            <xsl:call-template name="day"><xsl:with-param name="t" select="@last-failure"/></xsl:call-template>
          </xsl:if>
        </xsl:if>
      </td>
    </tr>
  </xsl:template>

  <xsl:template name="stream-name">
    <xsl:choose>
      <xsl:when test="@kind = 'scan'">Searching for updates</xsl:when>
      <xsl:when test="@kind = 'download'">Downloads</xsl:when>
      <xsl:when test="@kind = 'store'">Component store (DISM, SFC)</xsl:when>
      <xsl:when test="@kind = 'feature'">Feature <xsl:value-of select="@key"/></xsl:when>
      <xsl:when test="@kind = 'service'">Service <xsl:value-of select="@key"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="@key"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- where a subject stands, in words -->
  <xsl:template name="subject-state">
    <xsl:choose>
      <xsl:when test="@state = 'failing'">
        <span class="state s-failing">failing</span>
        <xsl:if test="@operation and @operation != 'install'"><span class="dim"> (<xsl:value-of select="@operation"/>)</span></xsl:if>
      </xsl:when>
      <xsl:when test="@state = 'resolved'">
        <span class="state s-resolved">resolved</span>
        <xsl:if test="@fixed-at"><span class="dim"> on <xsl:call-template name="day"><xsl:with-param name="t" select="@fixed-at"/></xsl:call-template></span></xsl:if>
      </xsl:when>
      <xsl:when test="@state = 'superseded'">
        <span class="state s-superseded">superseded</span>
        <xsl:if test="@superseded-by"><span class="dim"> by <xsl:value-of select="@superseded-by"/></span></xsl:if>
      </xsl:when>
      <xsl:when test="@state = 'pending-reboot'">
        <span class="state s-pending-reboot">waits for a restart</span>
        <xsl:if test="@pending-since"><span class="dim"> since <xsl:call-template name="day"><xsl:with-param name="t" select="@pending-since"/></xsl:call-template></span></xsl:if>
      </xsl:when>
      <xsl:when test="@state = 'in-progress'"><span class="state s-in-progress">started, no result yet</span></xsl:when>
      <xsl:otherwise><span class="state s-ok"><xsl:value-of select="@state"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="r:streams">
    <xsl:if test="r:stream">
      <section id="streams">
        <h3>Searching, downloading, repairs and services</h3>
        <div class="scroll">
          <table class="stack subjects">
            <thead><tr><th>What</th><th>Now</th><th>Failures</th><th>Codes</th><th>Failed</th></tr></thead>
            <tbody><xsl:apply-templates select="r:stream"/></tbody>
          </table>
        </div>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ====================================================== services -->
  <!-- What the last wudiag fix run did: each action, from what to what. -->
  <xsl:template match="r:fix-journal">
    <section id="fix-journal">
      <h2>
        <xsl:choose>
          <xsl:when test="@kind = 'undo'">What wudiag fix --undo did</xsl:when>
          <xsl:otherwise>What wudiag fix did</xsl:otherwise>
        </xsl:choose>
        <span class="count"><xsl:value-of select="count(r:step)"/></span>
      </h2>
      <p>
        <xsl:text>Fix run </xsl:text><xsl:value-of select="@run"/>
        <xsl:if test="@undoes"><xsl:text> (undoing run </xsl:text><xsl:value-of select="@undoes"/><xsl:text>)</xsl:text></xsl:if>
        <xsl:text> on </xsl:text><xsl:value-of select="@machine"/>
        <xsl:text>, started </xsl:text>
        <xsl:call-template name="time"><xsl:with-param name="t" select="@started"/></xsl:call-template>
        <xsl:text>: </xsl:text>
        <strong>
          <xsl:choose>
            <xsl:when test="@state = 'done'">finished</xsl:when>
            <xsl:when test="@state = 'stopped'">stopped before the end</xsl:when>
            <xsl:when test="@state = 'interrupted'">interrupted (wudiag was closed or crashed; a step marked running was begun and its outcome is not known)</xsl:when>
            <xsl:otherwise>still running when this report was made</xsl:otherwise>
          </xsl:choose>
        </strong>
        <xsl:if test="@snapshot-before and @snapshot-after">
          <xsl:text>. Diagnosis before: snapshot </xsl:text><xsl:value-of select="@snapshot-before"/>
          <xsl:text>, after: snapshot </xsl:text><xsl:value-of select="@snapshot-after"/>
        </xsl:if>
        <xsl:text>.</xsl:text>
      </p>
      <xsl:if test="r:message"><p class="notice"><xsl:value-of select="r:message"/></p></xsl:if>
      <div class="scroll">
        <table class="stack">
          <thead>
            <tr><th>Step</th><th>Action</th><th>On</th><th>Before</th><th>After</th><th>Result</th></tr>
          </thead>
          <tbody>
            <xsl:for-each select="r:step">
              <tr class="fix-{@result}">
                <td data-label="Step"><xsl:value-of select="@step"/><xsl:text>. </xsl:text><xsl:value-of select="@fix"/></td>
                <td data-label="Action" class="word"><xsl:value-of select="@action"/></td>
                <td data-label="On"><xsl:value-of select="@target"/></td>
                <td data-label="Before"><xsl:value-of select="r:before"/></td>
                <td data-label="After"><xsl:value-of select="r:after"/></td>
                <td data-label="Result"><strong><xsl:value-of select="@result"/></strong>
                  <xsl:if test="@error"><xsl:text> (Win32 error </xsl:text><xsl:value-of select="@error"/><xsl:text>)</xsl:text></xsl:if>
                  <xsl:if test="@undone-by"><xsl:text>, undone since</xsl:text></xsl:if>
                  <xsl:if test="r:message"><br/><span class="dim"><xsl:value-of select="r:message"/></span></xsl:if></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <xsl:template match="r:services">
    <section id="services">
      <h2>Update services</h2>
      <xsl:choose>
        <xsl:when test="@listing = 'none'">
          <p class="notice">The evidence holds no service listing: the state of the services is not known.</p>
        </xsl:when>
        <xsl:when test="@listing != 'complete'">
          <p class="dim">The service listing does not hold every service of the PC: a service it lacks is "not in the evidence", not missing.</p>
        </xsl:when>
      </xsl:choose>
      <div class="scroll">
        <table class="stack">
          <thead>
            <tr><th>Service</th><th>State</th><th>Start type</th><th>Windows default</th><th>Reading</th></tr>
          </thead>
          <tbody>
            <xsl:for-each select="r:service">
              <tr class="st-{@status} ess-{@essential}">
                <xsl:if test="@id"><xsl:attribute name="id"><xsl:value-of select="@id"/></xsl:attribute></xsl:if>
                <td data-label="Service"><strong><xsl:value-of select="@name"/></strong><br/>
                  <span class="dim"><xsl:value-of select="@display-name"/></span></td>
                <td data-label="State" class="word">
                  <xsl:value-of select="@state"/>
                  <xsl:if test="not(@state)"><span class="dim">not in the evidence</span></xsl:if>
                </td>
                <td data-label="Start type" class="word"><xsl:value-of select="@start-type"/></td>
                <td data-label="Windows default" class="word"><xsl:value-of select="@expected-start"/>
                  <xsl:if test="not(@expected-start) and @state"><span class="dim">depends on the version</span></xsl:if></td>
                <td data-label="Reading"><span class="status"><xsl:choose>
                    <xsl:when test="@status = 'ok'">OK</xsl:when>
                    <xsl:when test="@status = 'problem'">Problem:</xsl:when>
                    <xsl:when test="@status = 'missing'">Missing:</xsl:when>
                    <xsl:when test="@status = 'warning'">Check:</xsl:when>
                    <xsl:when test="@status = 'not-listed'">Not listed:</xsl:when>
                    <xsl:otherwise><xsl:value-of select="@status"/></xsl:otherwise>
                  </xsl:choose></span>
                  <xsl:text> </xsl:text><xsl:value-of select="."/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <!-- ========================================================= facts -->
  <xsl:template match="r:facts">
    <section id="facts">
      <h2>Facts</h2>
      <xsl:if test="not(r:fact)"><p>No facts in the evidence.</p></xsl:if>
      <xsl:if test="r:fact">
        <div class="scroll">
          <table class="stack">
            <thead><tr><th>Key</th><th>Value</th><th>From</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:fact">
                <!-- the same value from the same source (an event at every boot) is
                     shown once, with how often; its other rows keep their anchors -->
                <xsl:variable name="distinct" select="r:value[generate-id() = generate-id(key('fact-value', concat(generate-id(..), '|', @source, '|', .))[1])]"/>
                <xsl:variable name="n" select="count($distinct)"/>
                <xsl:for-each select="$distinct">
                  <xsl:variable name="same" select="key('fact-value', concat(generate-id(..), '|', @source, '|', .))"/>
                  <tr id="{@id}">
                    <xsl:if test="../@conflict = 'true'"><xsl:attribute name="class">conflict</xsl:attribute></xsl:if>
                    <xsl:if test="position() = 1">
                      <td data-label="Key" rowspan="{$n}"><code><xsl:value-of select="../@key"/></code>
                        <xsl:if test="../@conflict = 'true'"><br/><span class="warn">sources disagree</span></xsl:if></td>
                    </xsl:if>
                    <td data-label="Value" class="wrap"><xsl:value-of select="."/></td>
                    <td data-label="From" class="dim">
                      <xsl:for-each select="$same[position() &gt; 1]"><span id="{@id}"/></xsl:for-each>
                      <xsl:value-of select="@label"/>
                      <xsl:if test="@time"><xsl:text>, </xsl:text><xsl:call-template name="time"><xsl:with-param name="t" select="@time"/></xsl:call-template></xsl:if>
                      <xsl:if test="count($same) &gt; 1"><xsl:text> (and </xsl:text><xsl:value-of select="count($same) - 1"/><xsl:text> more time(s))</xsl:text></xsl:if>
                    </td>
                  </tr>
                </xsl:for-each>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ====================================================== timeline -->
  <xsl:template match="r:timeline">
    <section id="timeline">
      <h2>Timeline <span class="count">newest first</span></h2>
      <xsl:choose>
        <xsl:when test="not(r:activity)"><p>No update activity in the evidence.</p></xsl:when>
        <xsl:otherwise>
          <xsl:if test="@shown &lt; @total">
            <p class="dim">The newest <xsl:value-of select="@shown"/> of <xsl:value-of select="@total"/> activities; the XML and JSON reports hold them all.</p>
          </xsl:if>
          <div class="scroll">
            <table class="stack timeline">
              <thead><tr><th>Time</th><th>What</th><th>About</th><th>Where</th></tr></thead>
              <tbody><xsl:apply-templates select="r:activity"/></tbody>
            </table>
          </div>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="r:activity">
    <tr id="{@id}" class="o-{@outcome}">
      <xsl:if test="@state and @state != 'current'"><xsl:attribute name="class">o-<xsl:value-of select="@outcome"/> history</xsl:attribute></xsl:if>
      <td data-label="Time" class="time"><xsl:call-template name="time"><xsl:with-param name="t" select="@time"/></xsl:call-template>
        <xsl:if test="@repeats"><br/><span class="dim">and <xsl:value-of select="@repeats"/> more like it to <xsl:call-template name="time"><xsl:with-param name="t" select="@last-time"/></xsl:call-template></span></xsl:if></td>
      <td data-label="What">
        <xsl:value-of select="translate(@operation, '-', ' ')"/>
        <xsl:text> </xsl:text>
        <span class="outcome o-{@outcome}"><xsl:value-of select="translate(@outcome, '-', ' ')"/></span>
        <xsl:if test="@count">
          <span class="dim">
            <xsl:choose>
              <xsl:when test="@operation = 'scan'">, <xsl:value-of select="@count"/> updates found</xsl:when>
              <xsl:when test="@operation = 'verify' or @operation = 'sfc' or @operation = 'repair'">, <xsl:value-of select="@count"/> found</xsl:when>
              <xsl:otherwise>, count <xsl:value-of select="@count"/></xsl:otherwise>
            </xsl:choose>
          </span>
        </xsl:if>
        <xsl:if test="@code"><br/><code><xsl:value-of select="@code"/></code>
          <xsl:if test="key('code', @code)/@symbol"><xsl:text> </xsl:text><span class="sym"><xsl:value-of select="key('code', @code)/@symbol"/></span></xsl:if></xsl:if>
        <xsl:if test="@state and @state != 'current'"><br/><span class="dim">now <xsl:value-of select="@state"/></span></xsl:if>
      </td>
      <td data-label="About" class="wrap">
        <xsl:variable name="about">
          <xsl:choose>
            <xsl:when test="@title"><xsl:value-of select="@title"/></xsl:when>
            <xsl:when test="@kb"><xsl:value-of select="@kb"/></xsl:when>
            <xsl:when test="@service">service <xsl:value-of select="@service"/></xsl:when>
            <xsl:when test="@target"><xsl:value-of select="@target"/></xsl:when>
          </xsl:choose>
        </xsl:variable>
        <xsl:value-of select="$about"/>
        <xsl:if test="string(.) and string(.) != string(@title)">
          <xsl:if test="string($about)"><br/></xsl:if>
          <span class="line"><xsl:value-of select="."/></span>
        </xsl:if>
      </td>
      <td data-label="Where" class="dim wrap"><xsl:value-of select="@label"/>
        <xsl:if test="@computer and @computer != /r:report/r:machine/@name"><br/>on <xsl:value-of select="@computer"/></xsl:if></td>
    </tr>
  </xsl:template>

  <!-- ============================================ notes and sources -->
  <xsl:template name="evidence-read">
    <xsl:variable name="n" select="r:notes"/>
    <section id="notes">
      <h2>Evidence read</h2>
      <xsl:if test="$n/@unreadable + $n/@limit &gt; 0">
        <p class="notice incomplete"><strong>Incomplete: </strong><xsl:call-template name="unread-text"/></p>
      </xsl:if>
      <xsl:call-template name="note-group">
        <xsl:with-param name="kind" select="'unreadable'"/>
        <xsl:with-param name="title" select="'Could not be read at all'"/>
      </xsl:call-template>
      <xsl:call-template name="note-group">
        <xsl:with-param name="kind" select="'limit'"/>
        <xsl:with-param name="title" select="'Cut by a size or count limit'"/>
      </xsl:call-template>
      <xsl:call-template name="note-group">
        <xsl:with-param name="kind" select="'partial'"/>
        <xsl:with-param name="title" select="'Read in part (the rest of the file was read)'"/>
      </xsl:call-template>
      <xsl:call-template name="note-group">
        <xsl:with-param name="kind" select="'info'"/>
        <xsl:with-param name="title" select="'For information (nothing lost)'"/>
      </xsl:call-template>
      <xsl:if test="$n/@shown &lt; $n/@total">
        <p class="dim">Showing <xsl:value-of select="$n/@shown"/> of <xsl:value-of select="$n/@total"/> notes.</p>
      </xsl:if>
      <h3>Files <span class="count"><xsl:value-of select="r:sources/@total"/></span></h3>
      <div class="scroll">
        <table class="stack">
          <thead><tr><th>File</th><th>Kind</th><th>Records</th><th>Used</th><th>Errors</th></tr></thead>
          <tbody>
            <xsl:for-each select="r:sources/r:source">
              <tr id="{@id}">
                <xsl:if test="@errors &gt; 0 or @kind = 'unknown'"><xsl:attribute name="class">st-warning</xsl:attribute></xsl:if>
                <td data-label="File" class="wrap"><xsl:value-of select="@path"/>
                  <xsl:if test="@notes &gt; 0"><span class="dim"> (<xsl:value-of select="@notes"/> note<xsl:if test="@notes != 1">s</xsl:if>)</span></xsl:if></td>
                <td data-label="Kind"><xsl:value-of select="@kind"/></td>
                <td data-label="Records" class="num"><xsl:value-of select="@records"/></td>
                <td data-label="Used" class="num"><xsl:value-of select="@kept"/></td>
                <td data-label="Errors" class="num"><xsl:value-of select="@errors"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
      <xsl:if test="r:sources/@shown &lt; r:sources/@total">
        <p class="dim">Showing <xsl:value-of select="r:sources/@shown"/> of <xsl:value-of select="r:sources/@total"/> files.</p>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template name="note-group">
    <xsl:param name="kind"/>
    <xsl:param name="title"/>
    <xsl:variable name="notes" select="r:notes/r:note[@kind = $kind]"/>
    <xsl:variable name="total" select="r:notes/@*[local-name() = $kind]"/>
    <xsl:if test="$total &gt; 0">
      <h3 class="nk-{$kind}"><xsl:value-of select="$title"/><xsl:text> </xsl:text><span class="count"><xsl:value-of select="$total"/></span></h3>
      <ul class="notes">
        <xsl:for-each select="$notes">
          <li id="{@id}">
            <span class="where"><xsl:value-of select="@source"/>
              <xsl:if test="@location"><xsl:text> </xsl:text><xsl:value-of select="@location"/></xsl:if></span>
            <xsl:text>: </xsl:text><xsl:value-of select="."/>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- ========================================================= codes -->
  <xsl:template match="r:codes">
    <section id="codes">
      <h2>Codes in this report</h2>
      <xsl:if test="not(r:code)"><p>No codes.</p></xsl:if>
      <xsl:if test="r:code">
        <div class="scroll">
          <table class="stack">
            <thead><tr><th>Code</th><th>Meaning</th><th>Usual causes</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:code">
                <tr id="code-{@value}">
                  <td data-label="Code"><code><xsl:value-of select="@value"/></code>
                    <xsl:if test="@symbol"><br/><span class="sym"><xsl:value-of select="@symbol"/></span></xsl:if></td>
                  <td data-label="Meaning"><xsl:value-of select="r:meaning"/>
                    <xsl:if test="@component"><br/><span class="dim"><xsl:value-of select="@component"/></span></xsl:if></td>
                  <td data-label="Usual causes"><xsl:value-of select="r:causes"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ========================================================== run -->
  <xsl:template match="r:run">
    <section id="run">
      <h2>Run</h2>
      <dl class="meta">
        <dt>wudiag</dt><dd><xsl:value-of select="r:tool/@version"/></dd>
        <dt>Report generated</dt><dd><xsl:call-template name="time"><xsl:with-param name="t" select="r:generated"/></xsl:call-template></dd>
        <dt>Times</dt><dd><xsl:value-of select="r:time-zone"/></dd>
        <dt>Command line</dt><dd><code><xsl:value-of select="r:command-line"/></code></dd>
        <dt>Snapshot</dt><dd><xsl:value-of select="r:snapshot/@id"/>
          <xsl:text> (</xsl:text><xsl:value-of select="r:snapshot/@earlier"/> earlier of this machine)</dd>
        <dt>Collected by</dt><dd><code><xsl:value-of select="r:snapshot/@command-line"/></code></dd>
        <dt>Evidence</dt><dd><xsl:value-of select="r:snapshot/@evidence"/></dd>
        <dt>Database</dt><dd><xsl:value-of select="r:database"/></dd>
      </dl>
    </section>
  </xsl:template>

  <!-- "2017-07-23T07:25:41.804502Z" as "2017-07-23 07:25:41" -->
  <xsl:template name="time">
    <xsl:param name="t"/>
    <xsl:choose>
      <xsl:when test="string-length($t) &gt;= 19">
        <xsl:value-of select="substring($t, 1, 10)"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="substring($t, 12, 8)"/>
      </xsl:when>
      <xsl:when test="string($t)"><xsl:value-of select="$t"/></xsl:when>
      <xsl:otherwise>unknown time</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="day">
    <xsl:param name="t"/>
    <xsl:choose>
      <xsl:when test="string($t)"><xsl:value-of select="substring($t, 1, 10)"/></xsl:when>
      <xsl:otherwise>unknown</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ========================================================== css -->
  <xsl:template name="css">
:root { --bg: #ffffff; --fg: #1b1f24; --dim: #59636e; --line: #d8dde3; --card: #f5f7f9;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; --link: #0550ae;
  --okbg: #dafbe1; --warnbg: #fff8c5; --badbg: #ffebe9; --infobg: #ddf4ff; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --dim: #9198a1; --line: #30363d; --card: #161b22;
    --ok: #3fb950; --warn: #d29922; --bad: #f85149; --info: #58a6ff; --link: #79c0ff;
    --okbg: #12261e; --warnbg: #272115; --badbg: #2d1214; --infobg: #0c2d4b; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 16px; }
h1 { font-size: 1.6em; margin: 0.2em 0; overflow-wrap: anywhere; }
h2 { font-size: 1.3em; margin: 1.4em 0 0.5em; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h2.small { font-size: 1em; border: 0; margin: 1em 0 0.3em; }
h3 { font-size: 1.1em; margin: 1em 0 0.4em; }
h4 { font-size: 1em; margin: 0.8em 0 0.3em; }
a { color: var(--link); }
p, li, td, dd { overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; font-size: 0.92em; }
.sub, .dim, .rule { color: var(--dim); }
.sub { margin: 0 0 12px; }
.count { color: var(--dim); font-weight: normal; font-size: 0.8em; }
.verdict { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: baseline; padding: 14px 16px;
  border-radius: 8px; border: 2px solid; }
.verdict .label { font-size: 1.5em; font-weight: 700; text-transform: uppercase; }
.verdict .text { font-size: 1.05em; flex: 1 1 300px; }
.v-healthy { border-color: var(--ok); background: var(--okbg); }
.v-healthy .label { color: var(--ok); }
.v-warning, .v-incomplete { border-color: var(--warn); background: var(--warnbg); }
.v-warning .label, .v-incomplete .label { color: var(--warn); }
.v-failing { border-color: var(--bad); background: var(--badbg); }
.v-failing .label { color: var(--bad); }
ul.top { margin: 0; padding-left: 1.2em; }
ul.top li { margin: 2px 0; }
.first-fix { margin-top: 14px; padding: 12px 16px; border-radius: 8px; background: var(--card);
  border-left: 5px solid var(--info); }
.first-fix h2 { border: 0; margin: 0 0 4px; font-size: 1.2em; }
.for { margin: 2px 0 6px; color: var(--dim); }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 0.75em;
  font-weight: 600; text-transform: uppercase; color: #fff; vertical-align: 0.12em; }
.s-critical, .s-error { background: var(--bad); }
.s-warning { background: var(--warn); }
.s-info { background: var(--info); }
.s-history { background: var(--dim); }
.admin { display: inline-block; font-size: 0.8em; border: 1px solid var(--warn); color: var(--warn);
  border-radius: 4px; padding: 0 5px; }
.finding { border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 8px; margin: 12px 0; }
.finding h3 { margin-top: 10px; }
.f-critical, .f-error { border-left: 5px solid var(--bad); }
.f-warning { border-left: 5px solid var(--warn); }
.f-info { border-left: 5px solid var(--info); }
.fs-resolved { border-left-color: var(--line); opacity: 0.85; }
.fs-resolved .badge.s-critical, .fs-resolved .badge.s-error, .fs-resolved .badge.s-warning { background: var(--dim); }
.cause { margin: 4px 0; padding: 4px 10px; background: var(--card); border-radius: 6px; }
.known-issue { margin: 10px 0; padding: 8px 14px; border-radius: 8px; background: var(--infobg);
  border: 1px solid var(--info); }
.known-issue h4 { margin: 2px 0 4px; }
.known-issue p { margin: 4px 0; }
.known-issue .source a { overflow-wrap: anywhere; }
ol.fixes { padding-left: 1.4em; }
ol.fixes > li { margin: 3px 0; }
li.failed > a { text-decoration: line-through; }
.failed-note { color: var(--warn); font-weight: 600; }
article.fix { border-top: 1px solid var(--line); padding: 2px 0 6px; }
article.fix.failed h3 { text-decoration: line-through; color: var(--dim); }
ul.evidence { margin: 4px 0; padding-left: 1.2em; font-size: 0.93em; }
ul.evidence li { margin: 3px 0; }
.where { font-weight: 600; }
.line { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; font-size: 0.88em; color: var(--dim); }
.why { margin: 4px 0; }
.risk { margin: 4px 0; color: var(--dim); font-size: 0.92em; }
.os { font-weight: 600; }
ol.steps li { margin: 2px 0; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 18px 0 0; padding: 8px 0;
  border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.93em; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--card); font-weight: 600; white-space: nowrap; }
td.num { font-variant-numeric: tabular-nums; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.wrap { overflow-wrap: anywhere; }
td.time, td.when { overflow-wrap: normal; }
td.word { overflow-wrap: normal; white-space: nowrap; }
.state { font-weight: 600; }
.s-failing { color: var(--bad); }
.s-pending-reboot, .s-in-progress { color: var(--info); }
.s-resolved, .s-superseded, .s-ok { color: var(--dim); }
tr.st-failing td:first-child { border-left: 4px solid var(--bad); }
tr.history td { color: var(--dim); }
tr.history code { color: var(--dim); }
tr.st-problem td { background: var(--badbg); }
tr.st-warning td, tr.st-missing.ess-true td { background: var(--warnbg); }
tr.st-problem .status { color: var(--bad); font-weight: 700; }
tr.st-missing.ess-true .status, tr.st-warning .status { color: var(--warn); font-weight: 700; }
tr.st-missing.ess-false .status, tr.st-not-listed .status, tr.st-not-listed td { color: var(--dim); }
tr.st-ok .status { color: var(--ok); }
tr.conflict td { background: var(--warnbg); }
.warn { color: var(--warn); font-weight: 600; }
.outcome { font-weight: 600; }
.outcome.o-failed { color: var(--bad); }
.outcome.o-succeeded { color: var(--ok); }
.outcome.o-pending-reboot, .outcome.o-in-progress { color: var(--info); }
tr.history .outcome.o-failed { color: var(--dim); }
tr:target td { outline: 2px solid var(--info); }
.kb { font-weight: 600; white-space: nowrap; }
.sym { color: var(--dim); }
table.subjects, table.timeline { table-layout: fixed; }
table.subjects th:nth-child(1) { width: 32%; }
table.subjects th:nth-child(2) { width: 21%; }
table.subjects th:nth-child(3) { width: 9%; }
table.subjects th:nth-child(4) { width: 24%; }
table.subjects th:nth-child(5) { width: 14%; }
table.timeline th:nth-child(1) { width: 15%; }
table.timeline th:nth-child(2) { width: 24%; }
table.timeline th:nth-child(3) { width: 41%; }
table.timeline th:nth-child(4) { width: 20%; }
table.subjects td, table.timeline td { overflow-wrap: anywhere; }
.notice { padding: 8px 12px; background: var(--warnbg); border-radius: 6px; }
.incomplete { border-left: 5px solid var(--warn); }
.notes { margin: 4px 0; padding-left: 1.2em; font-size: 0.93em; }
.nk-unreadable, .nk-limit { color: var(--warn); }
details summary { cursor: pointer; color: var(--link); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.meta dt { color: var(--dim); }
dl.meta dd { margin: 0; }
footer { color: var(--dim); font-size: 0.85em; padding: 24px 16px; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  header, main, footer { padding: 0 10px; }
  h1 { font-size: 1.3em; }
  .verdict .label { font-size: 1.25em; }
  .finding { padding: 2px 10px 6px; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack thead { display: none; }
  table.stack tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; padding: 4px 0; }
  table.stack td { border: 0; padding: 2px 10px; white-space: normal; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--dim); font-size: 0.85em; }
  table.stack td[rowspan] { background: var(--card); }
  table.stack td:empty { display: none; }
  table.subjects, table.timeline { table-layout: auto; }
  tr.st-failing td:first-child { border-left: 0; }
  tr.st-failing { border-left: 4px solid var(--bad); }
  dl.meta { grid-template-columns: 1fr; }
  dl.meta dd { margin-bottom: 6px; }
}
@media print {
  :root { --bg: #fff; --fg: #000; --dim: #444; --line: #bbb; --card: #f3f3f3;
    --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; --link: #000;
    --okbg: #dafbe1; --warnbg: #fff8c5; --badbg: #ffebe9; --infobg: #eef7ff; }
  body { font-size: 10.5pt; }
  nav.toc, details summary { display: none; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  .known-issue .source a { text-decoration: underline; }
  article, tr, aside, .verdict, .first-fix { page-break-inside: avoid; break-inside: avoid; }
  h2, h3 { page-break-after: avoid; break-after: avoid; }
  .verdict, .first-fix, .known-issue, tr.st-problem td, tr.st-warning td, tr.conflict td, .badge {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
  </xsl:template>
</xsl:stylesheet>
