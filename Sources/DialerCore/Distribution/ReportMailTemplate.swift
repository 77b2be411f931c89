/// The HTML part of a report's e-mail, a Mustache template embedded so rendering reads no file. Styles are
/// inline attributes (mail clients drop `<style>` blocks); no image, script or external resource. Every
/// `{{name}}` is HTML-escaped by Mustache (`&`, `<`, `>`, `"`, `'`), links included.
enum ReportMailTemplate {
    static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Dialer report {{reportID}}</title>
        </head>
        <body style="margin:0;padding:16px;background:#ffffff;color:#202124;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.45">
        <p style="margin:0 0 12px">{{intro}}</p>
        <p style="margin:0 0 16px"><a href="{{pageURL}}" style="display:inline-block;padding:8px 14px;background:#1a56db;color:#ffffff;text-decoration:none;border-radius:4px">Open the report page</a></p>
        <p style="margin:0 0 16px;color:#5f6368">Window: {{windowText}}<br>Campaigns: {{reported}}</p>
        {{#hasFailed}}
        <h2 style="font-size:16px;margin:16px 0 8px">Not reported (CXone failed)</h2>
        <ul style="margin:0 0 16px;padding-left:20px">
        {{#failed}}
        <li><strong>{{campaignID}}</strong>: {{reason}}</li>
        {{/failed}}
        </ul>
        {{/hasFailed}}
        <h2 style="font-size:16px;margin:16px 0 8px">Whole report</h2>
        <table style="border-collapse:collapse;margin:0 0 16px">
        {{#headline}}
        <tr><th scope="row" style="text-align:left;font-weight:normal;color:#5f6368;padding:3px 16px 3px 0">{{label}}</th><td style="font-weight:bold;padding:3px 0">{{value}}</td></tr>
        {{/headline}}
        </table>
        <h2 style="font-size:16px;margin:16px 0 8px">Per campaign</h2>
        <ul style="margin:0 0 16px;padding-left:20px">
        {{#campaigns}}
        <li style="margin:0 0 8px"><strong>{{campaignID}}</strong>: compliance <strong style="color:{{color}}">{{verdict}}</strong><br>{{summary}}</li>
        {{/campaigns}}
        </ul>
        <h2 style="font-size:16px;margin:16px 0 8px">Downloads</h2>
        <ul style="margin:0 0 16px;padding-left:20px">
        <li><a href="{{pageURL}}">The report page</a> (charts and tables)</li>
        <li><a href="{{csvURL}}">The CSV</a> (one row per campaign-hour)</li>
        <li><a href="{{jsonURL}}">The chart JSON</a></li>
        </ul>
        <p style="margin:0 0 8px;color:#5f6368;font-size:13px">The links work until {{expires}}.<br>SHA-256 of the report: {{sha256}} ({{size}} bytes)<br>Rule set: {{ruleSetText}}</p>
        <p style="margin:0;color:#5f6368;font-size:13px">-- dialer-ledger; this message is recorded in the report's audit trail.</p>
        </body>
        </html>

        """
}
