<?xml version="1.0" encoding="UTF-8"?>
<!-- fleet.xsl - renders `wudiag fleet` XML (urn:wudiag:fleet:1) as one
     self-contained HTML page with inline SVG charts: machines by verdict now,
     what to fix first (the problems affecting most machines, with their first
     fix), weeks, updates by success rate, machines failing long or not seen,
     and every machine with the command that renders its latest report.
     Readable on a phone: tables scroll or fold into cards. -->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:f="urn:wudiag:fleet:1"
                exclude-result-prefixes="f">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="run" select="/f:fleet/f:run"/>
  <xsl:variable name="sum" select="/f:fleet/f:summary"/>
  <xsl:variable name="total" select="$sum/@machines"/>

  <xsl:template match="/f:fleet">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title>Windows Update fleet: <xsl:value-of select="$total"/> machines</title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header>
          <h1>Windows Update fleet</h1>
          <p class="dim">
            <xsl:value-of select="$total"/> machines · as of <xsl:value-of select="substring($run/@as-of, 1, 10)"/>
            · <xsl:value-of select="$run/@database"/>
            · wudiag <xsl:value-of select="$run/@tool-version"/>
          </p>
        </header>
        <main>
          <xsl:call-template name="now"/>
          <xsl:call-template name="first"/>
          <xsl:call-template name="weeks"/>
          <xsl:call-template name="updates"/>
          <xsl:call-template name="attention"/>
          <xsl:call-template name="machines"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- ================================================ machines by verdict now -->
  <xsl:template name="now">
    <section id="now">
      <h2>Machines now</h2>
      <div class="cards">
        <xsl:call-template name="card"><xsl:with-param name="n" select="$sum/@failing"/><xsl:with-param name="label" select="'failing'"/><xsl:with-param name="cls" select="'failing'"/></xsl:call-template>
        <xsl:call-template name="card"><xsl:with-param name="n" select="$sum/@warning"/><xsl:with-param name="label" select="'warning'"/><xsl:with-param name="cls" select="'warning'"/></xsl:call-template>
        <xsl:call-template name="card"><xsl:with-param name="n" select="$sum/@incomplete + $sum/@unanalysed"/><xsl:with-param name="label" select="'incomplete'"/><xsl:with-param name="cls" select="'incomplete'"/></xsl:call-template>
        <xsl:call-template name="card"><xsl:with-param name="n" select="$sum/@healthy"/><xsl:with-param name="label" select="'healthy'"/><xsl:with-param name="cls" select="'healthy'"/></xsl:call-template>
        <xsl:call-template name="card"><xsl:with-param name="n" select="$sum/@failing-long"/><xsl:with-param name="label" select="concat('failing &gt; ', $run/@failing-days, ' days')"/><xsl:with-param name="cls" select="'failing'"/></xsl:call-template>
        <xsl:call-template name="card"><xsl:with-param name="n" select="$sum/@stale"/><xsl:with-param name="label" select="concat('not seen ', $run/@stale-days, ' days')"/><xsl:with-param name="cls" select="'incomplete'"/></xsl:call-template>
      </div>
      <xsl:if test="$total &gt; 0">
        <figure class="chart">
          <svg viewBox="0 0 1000 44" role="img" aria-label="Machines by verdict now">
            <xsl:variable name="wf" select="1000 * $sum/@failing div $total"/>
            <xsl:variable name="ww" select="1000 * $sum/@warning div $total"/>
            <xsl:variable name="wi" select="1000 * ($sum/@incomplete + $sum/@unanalysed) div $total"/>
            <xsl:variable name="wh" select="1000 * $sum/@healthy div $total"/>
            <rect class="failing" x="0" y="4" width="{$wf}" height="36"><title><xsl:value-of select="$sum/@failing"/> failing</title></rect>
            <rect class="warning" x="{$wf}" y="4" width="{$ww}" height="36"><title><xsl:value-of select="$sum/@warning"/> warning</title></rect>
            <rect class="incomplete" x="{$wf + $ww}" y="4" width="{$wi}" height="36"><title><xsl:value-of select="$sum/@incomplete + $sum/@unanalysed"/> incomplete</title></rect>
            <rect class="healthy" x="{$wf + $ww + $wi}" y="4" width="{$wh}" height="36"><title><xsl:value-of select="$sum/@healthy"/> healthy</title></rect>
          </svg>
          <figcaption>Each machine's latest snapshot: failing · warning · incomplete · healthy</figcaption>
        </figure>
      </xsl:if>
      <xsl:if test="$total = 0"><p>No machine has a snapshot yet.</p></xsl:if>
    </section>
  </xsl:template>

  <xsl:template name="card">
    <xsl:param name="n"/>
    <xsl:param name="label"/>
    <xsl:param name="cls"/>
    <div class="card {$cls}"><b><xsl:value-of select="$n"/></b><span><xsl:value-of select="$label"/></span></div>
  </xsl:template>

  <!-- ================================================ what to fix first -->
  <xsl:template name="first">
    <section id="first">
      <h2>What to fix first</h2>
      <p class="dim">Problems the machines' latest reports judge current, by the number of machines they affect, with the fix those reports give first.</p>
      <xsl:if test="not(f:problems/f:problem)"><p>No current problem on any machine.</p></xsl:if>
      <ol class="problems">
        <xsl:for-each select="f:problems/f:problem">
          <li>
            <div class="ptitle">
              <xsl:choose>
                <xsl:when test="@code"><code class="code"><xsl:value-of select="@code"/></code><xsl:if test="@symbol"><xsl:text> </xsl:text><span class="sym"><xsl:value-of select="@symbol"/></span></xsl:if></xsl:when>
                <xsl:otherwise><span class="sym"><xsl:value-of select="@rule"/></span></xsl:otherwise>
              </xsl:choose>
              <span class="count"><xsl:value-of select="@machines"/> machine<xsl:if test="@machines != 1">s</xsl:if> (<xsl:value-of select="@share"/> %)</span>
            </div>
            <svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="100" height="6"/><rect class="failing" width="{@share}" height="6"/></svg>
            <p><xsl:value-of select="@title"/></p>
            <xsl:if test="@meaning"><p class="dim"><xsl:value-of select="@meaning"/></p></xsl:if>
            <xsl:for-each select="f:fix">
              <p class="fix">First fix: <b><xsl:value-of select="@title"/></b><xsl:if test="not(@title)"><xsl:value-of select="@id"/></xsl:if><xsl:if test="@admin = 'true'"><xsl:text> </xsl:text><span class="tag">administrator</span></xsl:if></p>
              <xsl:if test="string(.)"><p class="dim why"><xsl:value-of select="."/></p></xsl:if>
            </xsl:for-each>
          </li>
        </xsl:for-each>
      </ol>
    </section>
  </xsl:template>

  <!-- ================================================ weeks -->
  <xsl:template name="weeks">
    <xsl:variable name="weeks" select="f:weeks/f:week"/>
    <section id="weeks">
      <h2>By week</h2>
      <xsl:if test="not($weeks)"><p>No snapshot since <xsl:value-of select="$run/@since"/>.</p></xsl:if>
      <xsl:if test="$weeks">
        <xsl:variable name="max">
          <xsl:for-each select="$weeks"><xsl:sort select="@machines" data-type="number" order="descending"/><xsl:if test="position() = 1"><xsl:value-of select="@machines"/></xsl:if></xsl:for-each>
        </xsl:variable>
        <xsl:variable name="n" select="count($weeks)"/>
        <xsl:variable name="slot" select="960 div $n"/>
        <xsl:variable name="bw"><xsl:choose><xsl:when test="$slot &gt; 80">80</xsl:when><xsl:otherwise><xsl:value-of select="$slot"/></xsl:otherwise></xsl:choose></xsl:variable>
        <figure class="chart scroll">
          <svg class="wide" viewBox="0 0 1000 250" role="img" aria-label="Machines by verdict per week, and update success rate">
            <line class="axis" x1="30" y1="200" x2="1000" y2="200"/>
            <xsl:for-each select="$weeks">
              <xsl:variable name="x" select="34 + (position() - 1) * $slot"/>
              <xsl:variable name="s" select="190 div $max"/>
              <xsl:variable name="hf" select="@failing * $s"/>
              <xsl:variable name="hw" select="@warning * $s"/>
              <xsl:variable name="hi" select="@incomplete * $s"/>
              <xsl:variable name="hh" select="@healthy * $s"/>
              <g>
                <title>Week of <xsl:value-of select="@start"/>: <xsl:value-of select="@machines"/> machines, <xsl:value-of select="@failing"/> failing, <xsl:value-of select="@warning"/> warning, <xsl:value-of select="@healthy"/> healthy<xsl:if test="@success-rate">; updates installed <xsl:value-of select="@success-rate"/> %</xsl:if></title>
                <rect class="failing" x="{$x}" y="{200 - $hf}" width="{$bw * 0.7}" height="{$hf}"/>
                <rect class="warning" x="{$x}" y="{200 - $hf - $hw}" width="{$bw * 0.7}" height="{$hw}"/>
                <rect class="incomplete" x="{$x}" y="{200 - $hf - $hw - $hi}" width="{$bw * 0.7}" height="{$hi}"/>
                <rect class="healthy" x="{$x}" y="{200 - $hf - $hw - $hi - $hh}" width="{$bw * 0.7}" height="{$hh}"/>
                <xsl:if test="$n &lt;= 16 or position() mod ceiling($n div 8) = 1">
                  <text class="lbl" x="{$x}" y="222"><xsl:value-of select="substring(@start, 6)"/></text>
                </xsl:if>
                <xsl:if test="@success-rate">
                  <text class="rate" x="{$x}" y="244"><xsl:value-of select="round(@success-rate)"/>%</text>
                </xsl:if>
              </g>
            </xsl:for-each>
            <text class="lbl" x="0" y="12"><xsl:value-of select="$max"/></text>
            <text class="lbl" x="0" y="200">0</text>
          </svg>
          <figcaption>Each machine's last snapshot of the week (Monday to Sunday) by verdict; below each week, the share of updates installed among those installed or failing</figcaption>
        </figure>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ================================================ updates -->
  <xsl:template name="updates">
    <section id="updates">
      <h2>Updates</h2>
      <p class="dim">Where each update stands on the machines whose latest evidence shows it; the most failing machines first.</p>
      <xsl:if test="not(f:updates/f:update)"><p>No update recorded in the latest snapshots.</p></xsl:if>
      <xsl:if test="f:updates/f:update">
        <div class="scroll">
          <table class="updates">
            <thead><tr><th>Update</th><th class="n">Machines</th><th class="n">Installed</th><th class="n">Failing</th><th class="n">Pending</th><th>Success rate</th><th>Code</th></tr></thead>
            <tbody>
              <xsl:for-each select="f:updates/f:update">
                <tr>
                  <td><b><xsl:value-of select="@kb"/></b><xsl:if test="@kb"><xsl:text> </xsl:text></xsl:if><span class="dim"><xsl:value-of select="@title"/></span><xsl:if test="not(@title) and not(@kb)"><xsl:value-of select="@key"/></xsl:if></td>
                  <td class="n"><xsl:value-of select="@machines"/></td>
                  <td class="n"><xsl:value-of select="@installed"/></td>
                  <td class="n"><xsl:if test="@failing &gt; 0"><xsl:attribute name="class">n bad</xsl:attribute></xsl:if><xsl:value-of select="@failing"/></td>
                  <td class="n"><xsl:value-of select="@pending"/></td>
                  <td>
                    <xsl:if test="@success-rate">
                      <svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="failing" width="100" height="6"/><rect class="healthy" width="{@success-rate}" height="6"/></svg>
                      <span class="small"><xsl:value-of select="@success-rate"/> %</span>
                    </xsl:if>
                  </td>
                  <td><xsl:if test="@code"><code><xsl:value-of select="@code"/></code></xsl:if></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ================================================ failing long, not seen -->
  <xsl:template name="attention">
    <section id="attention">
      <h2>Failing for more than <xsl:value-of select="$run/@failing-days"/> days</h2>
      <xsl:variable name="long" select="f:machines/f:machine[@failing-long = 'true']"/>
      <xsl:if test="not($long)"><p>None.</p></xsl:if>
      <ul class="names">
        <xsl:for-each select="$long">
          <li><a href="#m-{@snapshot}"><xsl:value-of select="@name"/></a><xsl:text> </xsl:text><span class="dim"><xsl:value-of select="@days-failing"/> days</span></li>
        </xsl:for-each>
      </ul>
      <h2>Not seen for <xsl:value-of select="$run/@stale-days"/> days</h2>
      <xsl:variable name="stale" select="f:machines/f:machine[@stale = 'true']"/>
      <xsl:if test="not($stale)"><p>None.</p></xsl:if>
      <ul class="names">
        <xsl:for-each select="$stale">
          <xsl:sort select="@days-unseen" data-type="number" order="descending"/>
          <li><a href="#m-{@snapshot}"><xsl:value-of select="@name"/></a><xsl:text> </xsl:text><span class="dim">last seen <xsl:value-of select="substring(@collected-at, 1, 10)"/></span></li>
        </xsl:for-each>
      </ul>
      <xsl:if test="f:machines/@shown &lt; f:machines/@total">
        <p class="dim">These lists cover the <xsl:value-of select="f:machines/@shown"/> machines shown below; --format xml or json lists all <xsl:value-of select="f:machines/@total"/>.</p>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ================================================ every machine -->
  <xsl:template name="machines">
    <section id="machines">
      <h2>Machines</h2>
      <p class="dim">Failing machines first, the longest failing first.
        <xsl:if test="f:machines/@shown &lt; f:machines/@total"> The first <xsl:value-of select="f:machines/@shown"/> of <xsl:value-of select="f:machines/@total"/>.</xsl:if>
        The command under each renders the machine's latest report.</p>
      <table class="machines">
        <thead><tr><th>Machine</th><th>Verdict</th><th>Last seen</th><th>First problem and fix</th></tr></thead>
        <tbody>
          <xsl:for-each select="f:machines/f:machine">
            <tr id="m-{@snapshot}">
              <td data-h="Machine"><b><xsl:value-of select="@name"/></b><xsl:text> </xsl:text><span class="dim small">snapshot <xsl:value-of select="@snapshot"/>, <xsl:value-of select="@snapshots"/> in all</span></td>
              <td data-h="Verdict"><span class="badge {@verdict}"><xsl:value-of select="@verdict"/></span><xsl:if test="@days-failing"><xsl:text> </xsl:text><span class="dim small">for <xsl:value-of select="@days-failing"/> days</span></xsl:if></td>
              <td data-h="Last seen" class="nowrap"><xsl:value-of select="substring(@collected-at, 1, 10)"/><xsl:if test="@stale = 'true'"><xsl:text> </xsl:text><span class="tag">not seen</span></xsl:if></td>
              <td data-h="First">
                <xsl:if test="f:top"><xsl:value-of select="f:top/@title"/><xsl:if test="f:top/f:fix"><br/><span class="fix">First fix: <xsl:value-of select="f:top/f:fix/@title"/><xsl:if test="not(f:top/f:fix/@title)"><xsl:value-of select="f:top/f:fix/@id"/></xsl:if></span></xsl:if></xsl:if>
                <code class="cmd"><xsl:value-of select="@report"/></code>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>

  <!-- ================================================ style -->
  <xsl:template name="css">
:root { --fg: #1f2328; --dim: #59636e; --bg: #f6f8fa; --card: #ffffff; --line: #d1d9e0;
  --failing: #cf222e; --warning: #bf8700; --healthy: #1a7f37; --incomplete: #818b98; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --dim: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d;
    --failing: #f85149; --warning: #d29922; --healthy: #3fb950; --incomplete: #9198a1; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 16px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.dim { color: var(--dim); }
.small { font-size: 0.85em; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--incomplete); border-radius: 8px; padding: 8px 12px; }
.card b { display: block; font-size: 1.7em; }
.card.failing { border-left-color: var(--failing); }
.card.warning { border-left-color: var(--warning); }
.card.healthy { border-left-color: var(--healthy); }
figure.chart { margin: 12px 0; }
figure.chart svg { width: 100%; height: auto; display: block; background: var(--card); border-radius: 8px; }
figure.chart svg.wide { min-width: 560px; }
figcaption { color: var(--dim); font-size: 0.85em; margin-top: 4px; }
rect.failing { fill: var(--failing); } rect.warning { fill: var(--warning); }
rect.healthy { fill: var(--healthy); } rect.incomplete { fill: var(--incomplete); }
rect.track { fill: var(--line); }
line.axis { stroke: var(--line); stroke-width: 1; }
text.lbl, text.rate { font-size: 13px; fill: var(--dim); }
text.rate { fill: var(--fg); }
svg.bar { width: 100%; max-width: 320px; height: 6px; display: block; margin: 4px 0; }
ol.problems { padding-left: 1.6em; }
ol.problems li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
ol.problems p { margin: 4px 0; overflow-wrap: anywhere; }
.ptitle { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.ptitle .count { margin-left: auto; font-weight: 600; }
code.code { font-weight: 700; }
.sym { color: var(--dim); }
.fix { color: var(--healthy); }
.why { font-size: 0.9em; }
.tag { font-size: 0.75em; border: 1px solid var(--line); border-radius: 10px; padding: 0 6px; color: var(--dim); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; color: #fff; background: var(--incomplete); font-size: 0.85em; }
.badge.failing { background: var(--failing); } .badge.warning { background: var(--warning); }
.badge.healthy { background: var(--healthy); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { font-size: 0.85em; color: var(--dim); }
td.n, th.n { text-align: right; white-space: nowrap; }
table.updates td code, th, .nowrap { white-space: nowrap; }
td.bad { color: var(--failing); font-weight: 700; }
code.cmd { display: block; margin-top: 4px; color: var(--dim); font-size: 0.8em; overflow-wrap: anywhere; }
ul.names { columns: 3 220px; padding-left: 1.2em; }
a { color: inherit; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  table.machines thead { display: none; }
  table.machines, table.machines tbody, table.machines tr, table.machines td { display: block; width: 100%; }
  table.machines tr { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; padding: 4px 0; }
  table.machines td { border: 0; padding: 2px 10px; }
  table.machines td::before { content: attr(data-h); display: block; font-size: 0.75em; color: var(--dim); }
  table.updates th:nth-child(5), table.updates td:nth-child(5), table.updates th:nth-child(7), table.updates td:nth-child(7) { display: none; }
}
@media print { .scroll { overflow: visible; } }
  </xsl:template>

</xsl:stylesheet>
