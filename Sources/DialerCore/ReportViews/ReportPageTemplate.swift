/// The report page's Mustache template and its style, embedded so rendering reads no file. `{{name}}`
/// is HTML-escaped by Mustache (`&`, `<`, `>`, `"`, `'`); `{{{name}}}` is used only for the charts and
/// the legend, which `SVGWriter` has escaped already.
enum ReportPageTemplate {
    static let text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>Dialer report {{reportID}}</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <header class="report-header">
        <h1>Dialer report <span class="report-id">{{reportID}}</span></h1>
        <dl class="facts">
        <dt>Window</dt><dd>{{windowText}}</dd>
        <dt>Rule set</dt><dd>{{ruleSetText}}</dd>
        <dt>Campaigns</dt><dd>{{fetched}}</dd>
        {{#hasFailed}}<dt>Failed</dt><dd><ul class="failed">{{#failed}}<li><strong>{{campaignID}}</strong>: {{reason}}</li>{{/failed}}</ul></dd>{{/hasFailed}}
        </dl>
        </header>
        <main>
        <section class="headline" aria-labelledby="headline-title">
        <h2 id="headline-title">Whole report</h2>
        <ul class="tiles">
        {{#tiles}}<li class="tile verdict-{{verdict}}"><span class="tile-label">{{label}}</span><span class="tile-value">{{value}}</span><span class="tile-note">{{note}}</span></li>
        {{/tiles}}</ul>
        </section>
        <section class="comparison" aria-labelledby="comparison-heading">
        <h2 id="comparison-heading">Campaigns compared</h2>
        <figure>{{{comparisonChart}}}</figure>
        <div class="table-scroll" role="region" aria-labelledby="comparison-caption" tabindex="0">
        <table>
        <caption id="comparison-caption">Per campaign over the report's kept hours; compliance verdicts over rolling windows (worst window's rate); hours observed / interpolated / filled / dropped</caption>
        <thead><tr><th scope="col">Campaign</th><th scope="col">Attempts</th><th scope="col">Connects</th><th scope="col">Abandoned</th><th scope="col">Contact rate</th><th scope="col">Abandonment rate</th><th scope="col">Compliance abandonment rate</th><th scope="col">Rolling 24 h</th><th scope="col">Rolling 30 d</th><th scope="col">Verdict</th><th scope="col">Hours</th></tr></thead>
        <tbody>
        {{#comparison}}<tr><th scope="row">{{campaignID}}</th><td class="n">{{attempted}}</td><td class="n">{{connected}}</td><td class="n">{{abandoned}}</td><td class="n">{{contactRate}}</td><td class="n">{{abandonmentRate}}</td><td class="n">{{complianceRate}}</td><td class="v">{{rolling24h}}<br><span class="worst">{{worst24h}}</span></td><td class="v">{{rolling30d}}<br><span class="worst">{{worst30d}}</span></td><td class="v">{{verdict}}</td><td class="v">{{hours}}</td></tr>
        {{/comparison}}</tbody>
        {{#total}}<tfoot><tr><th scope="row">{{campaignID}}</th><td class="n">{{attempted}}</td><td class="n">{{connected}}</td><td class="n">{{abandoned}}</td><td class="n">{{contactRate}}</td><td class="n">{{abandonmentRate}}</td><td class="n">{{complianceRate}}</td><td></td><td></td><td class="v">{{verdict}}</td><td></td></tr></tfoot>{{/total}}
        </table>
        </div>
        </section>
        <section class="key" aria-labelledby="key-title">
        <h2 id="key-title">How to read the charts</h2>
        <p>Hours are labelled in {{timeZone}}. Solid bars and points are hours CXone reported; hatched ones were interpolated and outlined ones filled by the rule set: estimates, not calls. Counts are shown in whole calls; the CSV and the chart JSON hold the exact values, estimates' fractions included. Grey hatched gaps are hours a rule dropped; they are left open, not closed up.</p>
        {{{legend}}}
        </section>
        {{#campaigns}}
        <section class="campaign" id="{{anchor}}" aria-labelledby="{{anchor}}-title">
        <h2 id="{{anchor}}-title">{{campaignID}}</h2>
        <p class="summary">{{summary}}</p>
        <figure class="chart-figure">{{{countsChart}}}<figcaption>Attempts and connects per hour</figcaption></figure>
        <figure class="chart-figure">{{{ratesChart}}}<figcaption>Abandonment rates per hour against the compliance threshold</figcaption></figure>
        <div class="table-scroll" role="region" aria-labelledby="{{anchor}}-caption" tabindex="0">
        <table class="hours">
        <caption id="{{anchor}}-caption">{{campaignID}}: every derived hour ({{timeZone}})</caption>
        <thead><tr><th scope="col">Hour</th><th scope="col">Attempts</th><th scope="col">Connects</th><th scope="col">Abandoned</th><th scope="col">Contact rate</th><th scope="col">Abandonment rate</th><th scope="col">Compliance abandonment rate</th><th scope="col">Source</th><th scope="col">Status</th></tr></thead>
        <tbody>
        {{#rows}}<tr class="{{rowClass}}"><th scope="row">{{time}}</th><td>{{attempted}}</td><td>{{connected}}</td><td>{{abandoned}}</td><td>{{contactRate}}</td><td>{{abandonmentRate}}</td><td>{{complianceRate}}</td><td>{{source}}</td><td>{{status}}</td></tr>
        {{/rows}}</tbody>
        </table>
        </div>
        </section>
        {{/campaigns}}
        </main>
        <footer class="report-footer">
        <p>As of log sequence <strong>{{asOfSeq}}</strong> · run {{runID}}</p>
        <p>Rule set hash <code>{{ruleSetHash}}</code></p>
        <p>Report SHA-256 <code>{{sha256}}</code></p>
        <p>Rebuilt from the event log: <code>dialer-ledger replay --report {{reportID}} --format html</code> gives these bytes.</p>
        </footer>
        </body>
        </html>

        """

    /// The page's style: readable from 360 px up, charts scaled to the width, tables scrolled sideways,
    /// and a print layout.
    static let style = """
        :root{--ink:#1b1b1b;--muted:#555;--line:#d9d9d9;--panel:#f6f7f9;--pass:#2e7d32;--breach:#c62828;--unknown:#8a6d00}
        *{box-sizing:border-box}
        body{margin:0;padding:16px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
        main,header,footer{max-width:1100px;margin:0 auto}
        h1{font-size:1.5rem;margin:0 0 8px}
        h2{font-size:1.2rem;margin:28px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
        .report-id{font-weight:400;color:var(--muted);overflow-wrap:anywhere}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}
        .facts dt{font-weight:600}
        .facts dd{margin:0;overflow-wrap:anywhere}
        .failed{margin:0;padding-left:18px}
        .tiles{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
        .tile{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;display:flex;flex-direction:column}
        .tile-label{font-size:.85rem;color:var(--muted)}
        .tile-value{font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums}
        .tile-note{font-size:.8rem;color:var(--muted)}
        .verdict-pass{border-left:6px solid var(--pass)}
        .verdict-breach{border-left:6px solid var(--breach);background:#fdecea}
        .verdict-insufficient_data{border-left:6px solid var(--unknown)}
        figure{margin:12px 0;overflow-x:auto}
        figcaption{font-size:.85rem;color:var(--muted)}
        svg.chart{display:block;width:100%;height:auto}
        svg.chart text{fill:#333}
        svg.comparison{max-width:720px}
        .legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 16px;font-size:.85rem}
        .legend li{display:flex;align-items:center;gap:6px}
        .swatch{width:24px;height:14px}
        .swatch-defs{position:absolute}
        .table-scroll{overflow-x:auto;margin:8px 0 16px;border:1px solid var(--line);border-radius:4px}
        table{border-collapse:collapse;width:100%;font-size:.85rem;font-variant-numeric:tabular-nums}
        caption{text-align:left;padding:6px 8px;font-weight:600;caption-side:top}
        th,td{padding:4px 8px;border-top:1px solid var(--line);text-align:right;vertical-align:top}
        table.hours th,table.hours td,td.n{white-space:nowrap}
        th[scope=row],thead th{text-align:left}
        thead th{background:var(--panel)}
        tr.dropped{color:var(--muted);background:repeating-linear-gradient(45deg,#fff,#fff 6px,#f2f2f2 6px,#f2f2f2 12px)}
        tr.interpolated td,tr.filled td{font-style:italic}
        .worst{font-size:.75rem;color:var(--muted);white-space:nowrap}
        .summary{margin:4px 0}
        .report-footer{margin-top:32px;padding-top:8px;border-top:2px solid var(--line);font-size:.8rem;color:var(--muted)}
        .report-footer p{margin:2px 0}
        code{overflow-wrap:anywhere;font-size:.8rem}
        @media (max-width:480px){body{padding:10px;font-size:14px}.tile-value{font-size:1.3rem}}
        @media (max-width:600px){svg.chart text{font-size:20px}svg.chart text.minor{display:none}svg.chart .gaps text{font-size:16px}}
        @media print{body{padding:0;font-size:10pt}.table-scroll,figure{overflow:visible;border:0}section.campaign{break-before:page}figure,.tiles,tr{break-inside:avoid}.verdict-breach{background:none}}
        """
}
