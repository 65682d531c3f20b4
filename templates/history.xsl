<?xml version="1.0" encoding="UTF-8"?>
<!-- history.xsl - renders `wudiag history` XML (urn:wudiag:history:1) as one
     self-contained HTML page with inline SVG charts, one section per machine
     (machines are never mixed in one chart): its verdict streak, failures
     per week by code, snapshot verdicts over time, and update-service state
     changes. -->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:h="urn:wudiag:history:1"
                exclude-result-prefixes="h">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:key name="code" match="h:week/h:code" use="@value"/>
  <xsl:key name="svc" match="h:snapshot/h:service" use="@name"/>

  <!-- distinct codes, in first-seen order (Muenchian grouping) -->
  <xsl:variable name="codes" select="//h:week/h:code[generate-id() = generate-id(key('code', @value)[1])]"/>
  <xsl:variable name="services" select="//h:snapshot/h:service[generate-id() = generate-id(key('svc', @name)[1])]"/>
  <xsl:variable name="palette" select="'#cf222e #0969da #9a6700 #8250df #1a7f37 #bc4c00 #1b7c83 #6e7781'"/>

  <xsl:template match="/h:history">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title>Windows Update history<xsl:if test="@machine">: <xsl:value-of select="@machine"/></xsl:if></title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header>
          <h1>Windows Update history<xsl:if test="@machine">: <xsl:value-of select="@machine"/></xsl:if></h1>
          <p class="dim">
            <xsl:value-of select="h:snapshots/@count"/> snapshots
            <xsl:if test="@since"> since <xsl:value-of select="@since"/></xsl:if>
            · generated <xsl:value-of select="substring(@generated, 1, 10)"/> by wudiag <xsl:value-of select="@tool-version"/>
          </p>
        </header>
        <main>
          <xsl:if test="count(h:machines/h:machine) &gt; 1">
            <nav>
              <xsl:for-each select="h:machines/h:machine">
                <a href="#machine-{position()}"><xsl:value-of select="@name"/></a>
                <xsl:if test="position() != last()"> · </xsl:if>
              </xsl:for-each>
            </nav>
          </xsl:if>
          <xsl:if test="not(h:machines/h:machine)"><p>No snapshots.</p></xsl:if>
          <xsl:for-each select="h:machines/h:machine">
            <xsl:call-template name="machine">
              <xsl:with-param name="m" select="@name"/>
              <xsl:with-param name="n" select="position()"/>
            </xsl:call-template>
          </xsl:for-each>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- ============================================ one machine -->
  <xsl:template name="machine">
    <xsl:param name="m"/>
    <xsl:param name="n"/>
    <xsl:variable name="root" select="/h:history"/>
    <section class="machine" id="machine-{$n}">
      <h2><xsl:value-of select="$m"/></h2>
      <p class="streak">
        <xsl:value-of select="@snapshots"/> snapshot<xsl:if test="@snapshots != 1">s</xsl:if> · latest
        <span class="verdict t-{@latest-verdict}"><xsl:value-of select="@latest-verdict"/></span>
        <xsl:if test="@streak &gt; 1">
          for <xsl:value-of select="@streak"/> snapshots in a row, since
          <xsl:value-of select="substring(@streak-since, 1, 10)"/>
        </xsl:if>
      </p>
      <section>
        <h3>Failures per week, by code</h3>
        <xsl:call-template name="weeks-chart">
          <xsl:with-param name="weeks" select="$root/h:weeks[@machine = $m]/h:week"/>
        </xsl:call-template>
      </section>
      <section>
        <h3>Snapshot verdicts over time</h3>
        <xsl:call-template name="verdict-chart">
          <xsl:with-param name="snaps" select="$root/h:snapshots/h:snapshot[@machine = $m]"/>
        </xsl:call-template>
      </section>
      <section>
        <h3>Update service state changes</h3>
        <xsl:call-template name="service-chart">
          <xsl:with-param name="snaps" select="$root/h:snapshots/h:snapshot[@machine = $m]"/>
        </xsl:call-template>
        <xsl:call-template name="changes-table">
          <xsl:with-param name="changes" select="$root/h:service-changes/h:change[@machine = $m]"/>
        </xsl:call-template>
      </section>
      <section>
        <h3>Snapshots</h3>
        <xsl:call-template name="snapshots-table">
          <xsl:with-param name="snaps" select="$root/h:snapshots/h:snapshot[@machine = $m]"/>
        </xsl:call-template>
      </section>
    </section>
  </xsl:template>

  <xsl:template name="color">
    <xsl:param name="i"/>
    <xsl:value-of select="substring($palette, (($i - 1) mod 8) * 8 + 1, 7)"/>
  </xsl:template>

  <xsl:template name="code-index">
    <xsl:param name="value"/>
    <xsl:for-each select="$codes">
      <xsl:if test="@value = $value"><xsl:value-of select="position()"/></xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- ============================================ failures per week -->
  <xsl:template name="weeks-chart">
    <xsl:param name="weeks"/>
    <xsl:choose>
      <xsl:when test="not($weeks)"><p>No failures with a time in these snapshots.</p></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="max">
          <xsl:for-each select="$weeks">
            <xsl:sort select="sum(h:code/@count)" data-type="number" order="descending"/>
            <xsl:if test="position() = 1"><xsl:value-of select="sum(h:code/@count)"/></xsl:if>
          </xsl:for-each>
        </xsl:variable>
        <xsl:variable name="n" select="count($weeks)"/>
        <xsl:variable name="w" select="floor(900 div $n * 10) div 10"/>
        <figure class="chart">
          <svg viewBox="0 0 1000 240" role="img" aria-label="Failures per week by code">
            <line x1="60" y1="200" x2="980" y2="200" class="axis-line"/>
            <text x="55" y="24" text-anchor="end" class="axis"><xsl:value-of select="$max"/></text>
            <text x="55" y="200" text-anchor="end" class="axis">0</text>
            <xsl:for-each select="$weeks">
              <xsl:variable name="x" select="70 + (position() - 1) * $w"/>
              <xsl:for-each select="h:code">
                <xsl:variable name="below" select="sum(preceding-sibling::h:code/@count)"/>
                <xsl:variable name="hgt" select="round(@count div $max * 1760) div 10"/>
                <xsl:variable name="ci"><xsl:call-template name="code-index"><xsl:with-param name="value" select="@value"/></xsl:call-template></xsl:variable>
                <rect x="{$x}" width="{$w * 0.8}" y="{200 - round($below div $max * 1760) div 10 - $hgt}" height="{$hgt}">
                  <xsl:attribute name="fill"><xsl:call-template name="color"><xsl:with-param name="i" select="number($ci)"/></xsl:call-template></xsl:attribute>
                  <title><xsl:value-of select="../@start"/>: <xsl:value-of select="@value"/> ×<xsl:value-of select="@count"/></title>
                </rect>
              </xsl:for-each>
              <xsl:if test="$n &lt;= 12 or position() = 1 or position() = $n">
                <text x="{$x}" y="220" class="axis"><xsl:value-of select="@start"/></text>
              </xsl:if>
            </xsl:for-each>
          </svg>
          <figcaption>
            <xsl:for-each select="$codes">
              <xsl:variable name="value" select="@value"/>
              <xsl:variable name="mine" select="$weeks/h:code[@value = $value]"/>
              <xsl:if test="$mine">
                <span class="dot">
                  <xsl:attribute name="style">background:<xsl:call-template name="color"><xsl:with-param name="i" select="position()"/></xsl:call-template></xsl:attribute>
                </span>
                <code><xsl:value-of select="@value"/></code>
                <xsl:text> (</xsl:text><xsl:value-of select="sum($mine/@count)"/><xsl:text>) </xsl:text>
              </xsl:if>
            </xsl:for-each>
          </figcaption>
        </figure>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================== verdicts -->
  <xsl:template name="verdict-chart">
    <xsl:param name="snaps"/>
    <xsl:choose>
      <xsl:when test="not($snaps)"><p>No snapshots.</p></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="max">
          <xsl:for-each select="$snaps">
            <xsl:sort select="@failures" data-type="number" order="descending"/>
            <xsl:if test="position() = 1"><xsl:value-of select="@failures"/></xsl:if>
          </xsl:for-each>
        </xsl:variable>
        <xsl:variable name="top" select="number($max) + number($max = 0)"/>
        <xsl:variable name="w" select="floor(900 div count($snaps) * 10) div 10"/>
        <figure class="chart">
          <svg viewBox="0 0 1000 200" role="img" aria-label="Snapshot verdicts over time">
            <line x1="60" y1="160" x2="980" y2="160" class="axis-line"/>
            <text x="55" y="24" text-anchor="end" class="axis"><xsl:value-of select="$max"/></text>
            <xsl:for-each select="$snaps">
              <xsl:variable name="x" select="70 + (position() - 1) * $w"/>
              <xsl:variable name="hgt" select="4 + round(@failures div $top * 1300) div 10"/>
              <rect x="{$x}" width="{$w * 0.8}" y="{160 - $hgt}" height="{$hgt}" class="v-{@verdict}">
                <title>snapshot <xsl:value-of select="@id"/>, <xsl:value-of select="@collected-at"/>: <xsl:value-of select="@verdict"/>, <xsl:value-of select="@failures"/> failures</title>
              </rect>
              <xsl:if test="count($snaps) &lt;= 12 or position() = 1 or position() = last()">
                <text x="{$x}" y="180" class="axis"><xsl:value-of select="substring(@collected-at, 1, 10)"/></text>
              </xsl:if>
            </xsl:for-each>
          </svg>
          <figcaption>Bar height: failure records in the snapshot. Colour:
            <span class="dot v-healthy"></span>healthy <span class="dot v-warning"></span>warning
            <span class="dot v-failing"></span>failing <span class="dot v-unknown"></span>not analysed</figcaption>
        </figure>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================== services -->
  <xsl:template name="service-chart">
    <xsl:param name="snaps"/>
    <xsl:if test="$snaps/h:service">
      <xsl:variable name="w" select="floor(820 div count($snaps) * 10) div 10"/>
      <figure class="chart">
        <svg viewBox="0 0 1000 {count($services) * 26 + 16}" role="img" aria-label="Update service states per snapshot">
          <xsl:for-each select="$services">
            <xsl:variable name="name" select="@name"/>
            <xsl:variable name="y" select="8 + (position() - 1) * 26"/>
            <text x="4" y="{$y + 16}" class="axis"><xsl:value-of select="$name"/></text>
            <xsl:for-each select="$snaps">
              <xsl:variable name="s" select="h:service[@name = $name]"/>
              <rect x="{170 + (position() - 1) * $w}" y="{$y}" width="{$w * 0.9}" height="20">
                <xsl:attribute name="class">
                  <xsl:choose>
                    <xsl:when test="not($s)">sv-none</xsl:when>
                    <xsl:when test="$s/@start-type = 'disabled'">sv-disabled</xsl:when>
                    <xsl:when test="$s/@state = 'running'">sv-running</xsl:when>
                    <xsl:otherwise>sv-stopped</xsl:otherwise>
                  </xsl:choose>
                </xsl:attribute>
                <title><xsl:value-of select="$name"/>, snapshot <xsl:value-of select="@id"/>: <xsl:value-of select="$s/@state"/> / <xsl:value-of select="$s/@start-type"/></title>
              </rect>
            </xsl:for-each>
          </xsl:for-each>
        </svg>
        <figcaption><span class="dot sv-running"></span>running <span class="dot sv-stopped"></span>stopped
          <span class="dot sv-disabled"></span>disabled <span class="dot sv-none"></span>not listed</figcaption>
      </figure>
    </xsl:if>
  </xsl:template>

  <xsl:template name="changes-table">
    <xsl:param name="changes"/>
    <xsl:choose>
      <xsl:when test="not($changes)"><p>No state or start-type changes between snapshots.</p></xsl:when>
      <xsl:otherwise>
        <div class="scroll">
          <table>
            <thead><tr><th>Seen in snapshot</th><th>Service</th><th>State</th><th>Start type</th></tr></thead>
            <tbody>
              <xsl:for-each select="$changes">
                <tr>
                  <td><xsl:value-of select="@snapshot"/> (<xsl:value-of select="substring(@time, 1, 10)"/>)</td>
                  <td><xsl:value-of select="@service"/></td>
                  <td><xsl:value-of select="@from-state"/> → <xsl:value-of select="@to-state"/></td>
                  <td><xsl:value-of select="@from-start"/> → <xsl:value-of select="@to-start"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="snapshots-table">
    <xsl:param name="snaps"/>
    <div class="scroll">
      <table>
        <thead><tr><th>ID</th><th>Collected</th><th>Evidence up to</th><th>Verdict</th><th>Failures</th><th>Findings</th></tr></thead>
        <tbody>
          <xsl:for-each select="$snaps">
            <tr>
              <td><xsl:value-of select="@id"/></td>
              <td><xsl:value-of select="@collected-at"/></td>
              <td><xsl:value-of select="@evidence-time"/></td>
              <td><span class="verdict t-{@verdict}"><xsl:value-of select="@verdict"/></span></td>
              <td class="num"><xsl:value-of select="@failures"/></td>
              <td class="num"><xsl:value-of select="@findings"/></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
  </xsl:template>

  <xsl:template name="css">
:root { --bg: #fff; --fg: #1b1f24; --dim: #5b6470; --line: #d8dde3; --card: #f5f7f9;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --none: #d0d7de; --stop: #8c959f; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --dim: #9198a1; --line: #30363d; --card: #161b22;
    --ok: #3fb950; --warn: #d29922; --bad: #f85149; --none: #30363d; --stop: #6e7681; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, "Segoe UI", Roboto, sans-serif; }
header, main { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 1.5em; overflow-wrap: anywhere; }
h2 { font-size: 1.3em; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 1.6em; overflow-wrap: anywhere; }
h3 { font-size: 1.1em; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 1.2em; }
nav a { color: inherit; }
.dim, .axis { color: var(--dim); fill: var(--dim); }
.axis { font-size: 13px; }
.axis-line { stroke: var(--line); }
figure.chart { margin: 8px 0 16px; }
figure.chart svg { width: 100%; height: auto; display: block; background: var(--card); border-radius: 8px; }
figcaption { font-size: 0.88em; color: var(--dim); margin-top: 4px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 8px; vertical-align: middle; }
.v-healthy { fill: var(--ok); background: var(--ok); }
.v-warning { fill: var(--warn); background: var(--warn); }
.v-failing { fill: var(--bad); background: var(--bad); }
.v-unknown { fill: var(--none); background: var(--none); }
.sv-running { fill: var(--ok); background: var(--ok); }
.sv-stopped { fill: var(--stop); background: var(--stop); }
.sv-disabled { fill: var(--bad); background: var(--bad); }
.sv-none { fill: var(--none); background: var(--none); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.93em; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--card); white-space: nowrap; }
td.num { text-align: right; }
.t-failing { color: var(--bad); font-weight: 700; }
.t-warning { color: var(--warn); font-weight: 700; }
.t-healthy { color: var(--ok); }
@media print {
  :root { --bg: #fff; --fg: #000; --dim: #444; --line: #bbb; --card: #f3f3f3;
    --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --none: #d0d7de; --stop: #8c959f; }
  section, figure, tr { break-inside: avoid; page-break-inside: avoid; }
  rect, .dot { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
  </xsl:template>
</xsl:stylesheet>
