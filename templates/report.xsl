<?xml version="1.0" encoding="UTF-8"?>
<!-- report.xsl - renders wudiag's report XML (urn:wudiag:report:1) as one
     self-contained HTML page: verdict and first fix first, then findings,
     services, failures, an SVG timeline, facts, sources and run metadata.
     Restyle freely; keep every evidence value as text. -->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:r="urn:wudiag:report:1"
                exclude-result-prefixes="r">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:key name="row" match="r:*[@id]" use="@id"/>
  <xsl:key name="cited" match="r:finding/r:evidence" use="@ref"/>

  <xsl:variable name="win" select="/r:report/r:machine/@windows"/>
  <!-- the timeline table shows the newest entries and every cited one -->
  <xsl:variable name="tl-rows" select="500"/>

  <!-- ======================================================== page -->
  <xsl:template match="/r:report">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title>
          <xsl:text>Windows Update report: </xsl:text>
          <xsl:value-of select="r:machine/@name"/>
          <xsl:text> (</xsl:text>
          <xsl:value-of select="r:verdict/@status"/>
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
            <xsl:text>Evidence from </xsl:text>
            <xsl:call-template name="time">
              <xsl:with-param name="t" select="r:run/r:snapshot/@evidence-time"/>
            </xsl:call-template>
            <xsl:text> · collected </xsl:text>
            <xsl:call-template name="time">
              <xsl:with-param name="t" select="r:run/r:snapshot/@collected-at"/>
            </xsl:call-template>
            <xsl:if test="r:run/r:redacted = 'true'"> · names redacted</xsl:if>
          </p>
        </header>
        <main>
          <xsl:call-template name="summary"/>
          <nav class="toc" aria-label="Contents">
            <a href="#findings">Findings</a>
            <a href="#services">Services</a>
            <a href="#failures">Failures</a>
            <a href="#timeline">Timeline</a>
            <a href="#facts">Facts</a>
            <a href="#sources">Sources</a>
            <a href="#run">Run</a>
          </nav>
          <xsl:apply-templates select="r:findings"/>
          <xsl:apply-templates select="r:services"/>
          <xsl:call-template name="failures"/>
          <xsl:apply-templates select="r:timeline"/>
          <xsl:apply-templates select="r:events[r:event]"/>
          <xsl:apply-templates select="r:facts"/>
          <xsl:call-template name="sources"/>
          <xsl:apply-templates select="r:run"/>
        </main>
        <footer>
          <xsl:text>wudiag </xsl:text>
          <xsl:value-of select="r:run/r:tool/@version"/>
          <xsl:text> · report format </xsl:text>
          <xsl:value-of select="@version"/>
        </footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="os-line">
    <xsl:variable name="m" select="r:machine"/>
    <xsl:if test="$m/@product or $m/@build">
      <xsl:value-of select="$m/@product"/>
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

  <!-- ================================================ first screen -->
  <xsl:template name="summary">
    <xsl:variable name="v" select="r:verdict/@status"/>
    <section class="summary" aria-label="Verdict">
      <div id="verdict" class="verdict v-{$v}">
        <span class="label">
          <xsl:choose>
            <xsl:when test="$v = 'healthy'">Healthy</xsl:when>
            <xsl:when test="$v = 'warning'">Warning</xsl:when>
            <xsl:otherwise>Failing</xsl:otherwise>
          </xsl:choose>
        </span>
        <span class="text"><xsl:value-of select="r:verdict"/></span>
      </div>
      <xsl:if test="r:findings/r:finding">
        <h2 class="small">Top findings</h2>
        <ul class="top">
          <xsl:for-each select="r:findings/r:finding[position() &lt;= 3]">
            <li>
              <xsl:call-template name="badge"><xsl:with-param name="s" select="@severity"/></xsl:call-template>
              <a href="#{@id}"><xsl:value-of select="r:title"/></a>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:if>
      <xsl:variable name="fix" select="r:findings/r:finding[r:fix][1]/r:fix[1]"/>
      <div id="first-fix" class="first-fix">
        <xsl:choose>
          <xsl:when test="$fix">
            <h2>First fix to try: <xsl:value-of select="$fix/r:title"/></h2>
            <xsl:apply-templates select="$fix" mode="body"/>
          </xsl:when>
          <xsl:otherwise>
            <h2>First fix to try: none needed</h2>
            <p>Nothing in the evidence calls for a fix.</p>
          </xsl:otherwise>
        </xsl:choose>
      </div>
    </section>
  </xsl:template>

  <xsl:template name="badge">
    <xsl:param name="s"/>
    <span class="badge s-{$s}"><xsl:value-of select="$s"/></span>
    <xsl:text> </xsl:text>
  </xsl:template>

  <!-- ====================================================== findings -->
  <xsl:template match="r:findings">
    <section id="findings">
      <h2>Findings <span class="count"><xsl:value-of select="@count"/></span></h2>
      <xsl:if test="not(r:finding)"><p>No problems found.</p></xsl:if>
      <xsl:apply-templates select="r:finding"/>
    </section>
  </xsl:template>

  <xsl:template match="r:finding">
    <article id="{@id}" class="finding f-{@severity}">
      <h3>
        <xsl:call-template name="badge"><xsl:with-param name="s" select="@severity"/></xsl:call-template>
        <xsl:value-of select="r:title"/>
      </h3>
      <p><xsl:value-of select="r:explanation"/></p>
      <xsl:if test="r:evidence">
        <p class="evidence">
          <xsl:text>Evidence: </xsl:text>
          <xsl:for-each select="r:evidence">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <a href="#{@ref}"><xsl:apply-templates select="key('row', @ref)" mode="label"/></a>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:if test="r:fix">
        <h4>Fixes, in the order to try them</h4>
        <ol class="fixes">
          <xsl:for-each select="r:fix">
            <li>
              <strong><xsl:value-of select="r:title"/></strong>
              <xsl:apply-templates select="." mode="body"/>
            </li>
          </xsl:for-each>
        </ol>
      </xsl:if>
      <p class="rule">Rule: <code><xsl:value-of select="@rule"/></code></p>
    </article>
  </xsl:template>

  <xsl:template match="r:fix" mode="body">
    <xsl:if test="@admin = 'true'"><span class="admin">needs an administrator</span></xsl:if>
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

  <!-- how an evidence link reads -->
  <xsl:template match="r:failure" mode="label">
    <xsl:value-of select="@code"/>
    <xsl:if test="@time"> at <xsl:value-of select="substring(@time, 1, 10)"/></xsl:if>
  </xsl:template>
  <xsl:template match="r:service" mode="label">
    <xsl:text>service </xsl:text><xsl:value-of select="@name"/>
  </xsl:template>
  <xsl:template match="r:fact" mode="label">
    <xsl:value-of select="@key"/>
  </xsl:template>
  <xsl:template match="r:entry | r:event" mode="label">
    <xsl:text>event </xsl:text>
    <xsl:value-of select="substring-after(@id, 'event-')"/>
    <xsl:if test="@time"> at <xsl:value-of select="substring(@time, 1, 10)"/></xsl:if>
  </xsl:template>
  <xsl:template match="r:note" mode="label">
    <xsl:text>collection note </xsl:text><xsl:value-of select="substring-after(@id, 'note-')"/>
  </xsl:template>
  <xsl:template match="*" mode="label"><xsl:value-of select="@id"/></xsl:template>

  <!-- ====================================================== services -->
  <xsl:template match="r:services">
    <section id="services">
      <h2>Update services</h2>
      <xsl:if test="@listed = 'false'">
        <p class="notice">The evidence holds no service listing; service states are unknown.</p>
      </xsl:if>
      <div class="scroll">
        <table>
          <thead>
            <tr><th>Service</th><th>State</th><th>Start type</th><th>Expected</th><th>Status</th><th>Reading</th></tr>
          </thead>
          <tbody>
            <xsl:for-each select="r:service">
              <tr class="st-{@status} ess-{@essential}">
                <xsl:if test="@id"><xsl:attribute name="id"><xsl:value-of select="@id"/></xsl:attribute></xsl:if>
                <td><strong><xsl:value-of select="@name"/></strong><br/>
                  <span class="dim"><xsl:value-of select="@display-name"/></span></td>
                <td><xsl:value-of select="@state"/></td>
                <td><xsl:value-of select="@start-type"/></td>
                <td><xsl:value-of select="@expected-start"/></td>
                <td><span class="status"><xsl:value-of select="@status"/></span></td>
                <td><xsl:value-of select="."/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <!-- ====================================================== failures -->
  <xsl:template name="failures">
    <section id="failures">
      <h2>Failures <span class="count"><xsl:value-of select="r:failures/@count"/></span></h2>
      <xsl:if test="not(r:failures/r:failure)"><p>No failure codes in the evidence.</p></xsl:if>
      <xsl:if test="r:updates/r:update">
        <h3>By update</h3>
        <div class="scroll">
          <table>
            <thead><tr><th>Update</th><th>KB</th><th>Failures</th><th>Codes</th><th>First seen</th><th>Last seen</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:updates/r:update">
                <tr>
                  <td><xsl:value-of select="@title"/></td>
                  <td><xsl:value-of select="@kb"/></td>
                  <td class="num"><xsl:value-of select="@count"/></td>
                  <td class="codes">
                    <xsl:for-each select="r:code">
                      <xsl:if test="position() &gt; 1"><br/></xsl:if>
                      <code><xsl:value-of select="@value"/></code>
                      <xsl:text> ×</xsl:text><xsl:value-of select="@count"/>
                    </xsl:for-each>
                  </td>
                  <td class="time"><xsl:call-template name="time"><xsl:with-param name="t" select="@first-seen"/></xsl:call-template></td>
                  <td class="time"><xsl:call-template name="time"><xsl:with-param name="t" select="@last-seen"/></xsl:call-template></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:if>
      <xsl:if test="r:failures/r:failure">
        <h3>Every failure</h3>
        <div class="scroll">
          <table class="failures">
            <thead><tr><th>Time</th><th>Code</th><th>Meaning</th><th>Update</th><th>Where</th></tr></thead>
            <tbody>
              <xsl:apply-templates select="r:failures/r:failure"/>
            </tbody>
          </table>
        </div>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template match="r:failure">
    <tr id="{@id}">
      <td class="time"><xsl:call-template name="time"><xsl:with-param name="t" select="@time"/></xsl:call-template></td>
      <td><code><xsl:value-of select="@code"/></code>
        <xsl:if test="string(r:symbol)"><br/><span class="dim"><xsl:value-of select="r:symbol"/></span></xsl:if></td>
      <td><xsl:value-of select="r:meaning"/></td>
      <td><xsl:value-of select="r:title"/>
        <xsl:if test="@kb and not(contains(r:title, @kb))"><xsl:text> </xsl:text><span class="kb"><xsl:value-of select="@kb"/></span></xsl:if></td>
      <td class="dim">
        <xsl:value-of select="@origin"/>
        <xsl:if test="@operation"> · <xsl:value-of select="@operation"/></xsl:if>
        <xsl:if test="@source"><br/><xsl:value-of select="@source"/></xsl:if>
        <xsl:if test="@line">:<xsl:value-of select="@line"/></xsl:if>
        <xsl:if test="@record-id"> record <xsl:value-of select="@record-id"/></xsl:if>
        <xsl:if test="string(r:context)"><details><summary>context</summary><pre><xsl:value-of select="r:context"/></pre></details></xsl:if>
      </td>
    </tr>
  </xsl:template>

  <!-- ====================================================== timeline -->
  <xsl:template match="r:timeline">
    <section id="timeline">
      <h2>Timeline <span class="count"><xsl:value-of select="count(r:entry)"/></span></h2>
      <xsl:choose>
        <xsl:when test="not(r:entry)"><p>No update activity in the evidence.</p></xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="timeline-svg"/>
          <xsl:variable name="n" select="count(r:entry)"/>
          <xsl:if test="$n &gt; $tl-rows">
            <p class="notice">The table shows the newest <xsl:value-of select="$tl-rows"/> of
              <xsl:value-of select="$n"/> entries and every entry a finding cites; the XML report holds them all.</p>
          </xsl:if>
          <div class="scroll">
            <table class="timeline">
              <thead><tr><th>Time</th><th>What</th><th>Detail</th></tr></thead>
              <tbody>
                <xsl:for-each select="r:entry[position() &gt; $n - $tl-rows or key('cited', @id)]">
                  <tr class="k-{@kind}">
                    <xsl:if test="@id"><xsl:attribute name="id"><xsl:value-of select="@id"/></xsl:attribute></xsl:if>
                    <td class="time"><xsl:call-template name="time"><xsl:with-param name="t" select="@time"/></xsl:call-template></td>
                    <td class="time"><span class="kind"><xsl:value-of select="translate(@kind, '-', ' ')"/></span></td>
                    <td>
                      <xsl:choose>
                        <xsl:when test="@ref"><a href="#{@ref}"><code><xsl:value-of select="@code"/></code></a><xsl:text> </xsl:text></xsl:when>
                      </xsl:choose>
                      <xsl:value-of select="."/>
                    </td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template name="timeline-svg">
    <xsl:variable name="t0" select="number(@start-day)"/>
    <xsl:variable name="span">
      <xsl:choose>
        <xsl:when test="@end-day - @start-day &gt; 0.0001"><xsl:value-of select="@end-day - @start-day"/></xsl:when>
        <xsl:otherwise>1</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="tips" select="count(r:entry) &lt;= 2000"/>
    <figure class="chart">
      <svg viewBox="0 0 1000 206" role="img" aria-label="Timeline of update activity">
        <g class="lanes">
          <text x="4" y="34">installs</text><line x1="110" y1="30" x2="990" y2="30"/>
          <text x="4" y="69">downloads</text><line x1="110" y1="65" x2="990" y2="65"/>
          <text x="4" y="104">failures</text><line x1="110" y1="100" x2="990" y2="100"/>
          <text x="4" y="139">services</text><line x1="110" y1="135" x2="990" y2="135"/>
          <text x="4" y="174">boots</text><line x1="110" y1="170" x2="990" y2="170"/>
        </g>
        <xsl:for-each select="r:entry[@day]">
          <xsl:variable name="x" select="round((110 + (@day - $t0) div $span * 880) * 10) div 10"/>
          <xsl:variable name="y">
            <xsl:choose>
              <xsl:when test="@kind = 'install-started' or @kind = 'install-succeeded' or @kind = 'restart-required'">30</xsl:when>
              <xsl:when test="@kind = 'download-started' or @kind = 'download-succeeded'">65</xsl:when>
              <xsl:when test="@kind = 'service-change'">135</xsl:when>
              <xsl:when test="@kind = 'boot'">170</xsl:when>
              <xsl:otherwise>100</xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <circle cx="{$x}" cy="{$y}" r="5" class="k-{@kind}">
            <xsl:if test="$tips">
              <title><xsl:value-of select="@time"/>: <xsl:value-of select="translate(@kind, '-', ' ')"/><xsl:text> </xsl:text><xsl:value-of select="@code"/><xsl:text> </xsl:text><xsl:value-of select="."/></title>
            </xsl:if>
          </circle>
        </xsl:for-each>
        <line x1="110" y1="182" x2="990" y2="182" class="axis-line"/>
        <text x="110" y="200" class="axis"><xsl:value-of select="substring(@start, 1, 10)"/></text>
        <text x="990" y="200" class="axis" text-anchor="end"><xsl:value-of select="substring(@end, 1, 10)"/></text>
      </svg>
      <figcaption>
        <span class="dot k-install-succeeded"></span>installed
        <span class="dot k-install-started"></span>install started
        <span class="dot k-download-started"></span>download
        <span class="dot k-install-failed"></span>failure
        <span class="dot k-service-change"></span>service change
        <span class="dot k-boot"></span>boot
      </figcaption>
    </figure>
  </xsl:template>

  <!-- ======================================== cited events, facts -->
  <xsl:template match="r:events">
    <section id="events">
      <h2>Cited events</h2>
      <div class="scroll">
        <table>
          <thead><tr><th>Time</th><th>Event</th><th>Fields</th></tr></thead>
          <tbody>
            <xsl:for-each select="r:event">
              <tr id="{@id}">
                <td class="time"><xsl:call-template name="time"><xsl:with-param name="t" select="@time"/></xsl:call-template></td>
                <td><xsl:value-of select="@provider"/> <xsl:text> </xsl:text><strong><xsl:value-of select="@event-id"/></strong>
                  <br/><span class="dim"><xsl:value-of select="@channel"/> · record <xsl:value-of select="@record-id"/></span></td>
                <td>
                  <xsl:for-each select="r:field">
                    <span class="dim"><xsl:value-of select="@name"/>:</span>
                    <xsl:text> </xsl:text><xsl:value-of select="."/><br/>
                  </xsl:for-each>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <xsl:template match="r:facts">
    <section id="facts">
      <h2>Facts</h2>
      <xsl:if test="not(r:fact)"><p>No facts in the evidence.</p></xsl:if>
      <xsl:if test="r:fact">
        <div class="scroll">
          <table>
            <thead><tr><th>Key</th><th>Value</th><th>Source</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:fact">
                <tr id="{@id}">
                  <td><code><xsl:value-of select="@key"/></code></td>
                  <td class="wrap"><xsl:value-of select="."/></td>
                  <td class="dim"><xsl:value-of select="@source"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ====================================================== sources -->
  <xsl:template name="sources">
    <section id="sources">
      <h2>Evidence files and collection notes</h2>
      <div class="scroll">
        <table>
          <thead><tr><th>File</th><th>Kind</th><th>Records</th><th>Kept</th><th>Errors</th></tr></thead>
          <tbody>
            <xsl:for-each select="r:sources/r:source">
              <tr id="{@id}">
                <xsl:if test="@errors &gt; 0"><xsl:attribute name="class">st-warning</xsl:attribute></xsl:if>
                <td class="wrap"><xsl:value-of select="@path"/>
                  <xsl:if test="r:note">
                    <ul class="notes">
                      <xsl:for-each select="r:note">
                        <li id="{@id}"><xsl:if test="@location"><span class="dim"><xsl:value-of select="@location"/>: </span></xsl:if>
                          <xsl:value-of select="."/></li>
                      </xsl:for-each>
                    </ul>
                  </xsl:if>
                </td>
                <td><xsl:value-of select="@kind"/></td>
                <td class="num"><xsl:value-of select="@records"/></td>
                <td class="num"><xsl:value-of select="@kept"/></td>
                <td class="num"><xsl:value-of select="@errors"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
      <xsl:if test="r:notes/r:note">
        <h3>Other collection notes</h3>
        <ul class="notes">
          <xsl:for-each select="r:notes/r:note">
            <li id="{@id}">
              <span class="dim"><xsl:value-of select="@source"/>
                <xsl:if test="@location"><xsl:text> </xsl:text><xsl:value-of select="@location"/></xsl:if>: </span>
              <xsl:value-of select="."/>
            </li>
          </xsl:for-each>
        </ul>
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

  <!-- ========================================================== css -->
  <xsl:template name="css">
:root { --bg: #ffffff; --fg: #1b1f24; --dim: #5b6470; --line: #d8dde3; --card: #f5f7f9;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; --link: #0550ae;
  --okbg: #dafbe1; --warnbg: #fff8c5; --badbg: #ffebe9; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --dim: #9198a1; --line: #30363d; --card: #161b22;
    --ok: #3fb950; --warn: #d29922; --bad: #f85149; --info: #58a6ff; --link: #79c0ff;
    --okbg: #12261e; --warnbg: #272115; --badbg: #2d1214; }
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
code, pre { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; font-size: 0.92em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
.sub, .dim, .rule { color: var(--dim); }
.sub { margin: 0 0 12px; }
.count { color: var(--dim); font-weight: normal; font-size: 0.8em; }
.verdict { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 14px 16px;
  border-radius: 8px; border: 2px solid; }
.verdict .label { font-size: 1.5em; font-weight: 700; text-transform: uppercase; }
.verdict .text { font-size: 1.05em; overflow-wrap: anywhere; }
.v-healthy { border-color: var(--ok); background: var(--okbg); }
.v-healthy .label { color: var(--ok); }
.v-warning { border-color: var(--warn); background: var(--warnbg); }
.v-warning .label { color: var(--warn); }
.v-failing { border-color: var(--bad); background: var(--badbg); }
.v-failing .label { color: var(--bad); }
ul.top { margin: 0; padding-left: 1.2em; }
.first-fix { margin-top: 14px; padding: 12px 16px; border-radius: 8px; background: var(--card);
  border-left: 5px solid var(--info); }
.first-fix h2 { border: 0; margin: 0 0 6px; font-size: 1.2em; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 0.78em;
  font-weight: 600; text-transform: uppercase; color: #fff; vertical-align: middle; }
.s-critical, .s-error { background: var(--bad); }
.s-warning { background: var(--warn); }
.s-info { background: var(--info); }
.admin { display: inline-block; margin-left: 6px; font-size: 0.8em; border: 1px solid var(--warn); color: var(--warn);
  border-radius: 4px; padding: 0 5px; margin: 2px 0; }
.finding { border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 8px; margin: 12px 0; }
.finding h3 { margin-top: 10px; }
.f-critical, .f-error { border-left: 5px solid var(--bad); }
.f-warning { border-left: 5px solid var(--warn); }
.f-info { border-left: 5px solid var(--info); }
ol.fixes > li { margin-bottom: 10px; }
.why { margin: 4px 0; }
.risk { margin: 4px 0; color: var(--dim); font-size: 0.92em; }
.os { font-weight: 600; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 18px 0 0; padding: 8px 0;
  border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.93em; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--card); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.wrap { overflow-wrap: anywhere; }
td.codes { white-space: nowrap; }
tr.st-problem td { background: var(--badbg); }
tr.st-warning td, tr.st-missing.ess-true td { background: var(--warnbg); }
tr.st-problem .status { color: var(--bad); font-weight: 700; }
tr.st-missing.ess-true .status, tr.st-warning .status { color: var(--warn); font-weight: 700; }
tr.st-missing.ess-false .status, tr.st-unknown .status { color: var(--dim); }
tr.st-ok .status { color: var(--ok); }
tr:target td { outline: 2px solid var(--info); }
.kb { font-weight: 600; white-space: nowrap; }
.notice { padding: 8px 12px; background: var(--warnbg); border-radius: 6px; }
.notes { margin: 4px 0; padding-left: 1.2em; font-size: 0.92em; }
details summary { cursor: pointer; }
figure.chart { margin: 8px 0 16px; }
figure.chart svg { width: 100%; height: auto; display: block; background: var(--card); border-radius: 8px; }
.lanes text, .axis { fill: var(--dim); font-size: 13px; }
.lanes line { stroke: var(--line); stroke-width: 1; }
circle { stroke: var(--bg); stroke-width: 1; fill-opacity: 0.85; }
.k-install-succeeded { fill: var(--ok); background: var(--ok); }
.k-install-started, .k-restart-required { fill: var(--info); background: var(--info); }
.k-download-started, .k-download-succeeded { fill: #8250df; background: #8250df; }
.k-install-failed, .k-download-failed, .k-scan-failed, .k-failure { fill: var(--bad); background: var(--bad); }
.k-service-change { fill: var(--warn); background: var(--warn); }
.k-boot { fill: var(--dim); background: var(--dim); }
tr[class^="k-"] { background: none; }
figcaption { font-size: 0.88em; color: var(--dim); margin-top: 4px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 12px; vertical-align: middle; }
.dot:first-child { margin-left: 0; }
.axis-line { stroke: var(--dim); stroke-width: 1; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.meta dt { color: var(--dim); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
footer { color: var(--dim); font-size: 0.85em; padding: 24px 16px; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  h1 { font-size: 1.3em; }
  th, td { padding: 5px 6px; }
  dl.meta { grid-template-columns: 1fr; }
  dl.meta dd { margin-bottom: 6px; }
}
@media print {
  :root { --bg: #fff; --fg: #000; --dim: #444; --line: #bbb; --card: #f3f3f3;
    --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; --link: #000;
    --okbg: #dafbe1; --warnbg: #fff8c5; --badbg: #ffebe9; }
  body { font-size: 11pt; }
  nav.toc, details summary { display: none; }
  details > pre { display: block; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  section, article, tr, figure { page-break-inside: avoid; break-inside: avoid; }
  h2 { page-break-after: avoid; break-after: avoid; }
  .verdict, .first-fix, tr.st-problem td, tr.st-warning td, tr.st-missing td, .badge, circle, .dot {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
  </xsl:template>
</xsl:stylesheet>
