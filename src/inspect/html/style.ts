/** The page's only stylesheet, inline (the page loads nothing); allowed by its hash in the CSP. */
export const CSS = `
:root{--fg:#1d232a;--muted:#5b6570;--line:#d9dee3;--bg:#fff;--soft:#f4f6f8;--error:#c62828;--warning:#b26a00;--info:#1565c0;--style:#6a737d}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:14px 24px;border-bottom:1px solid var(--line);background:var(--soft)}
header h1{margin:0;font-size:18px}header .src{margin:2px 0 0;color:var(--muted);word-break:break-all}
nav a{margin-right:12px}
main{max-width:1260px;margin:0 auto;padding:8px 24px 40px}
h2{font-size:17px;margin:24px 0 4px;padding-bottom:4px;border-bottom:2px solid var(--fg)}
h3{font-size:15px;margin:22px 0 8px}h4{font-size:13px;margin:16px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:0}dt{color:var(--muted)}dd{margin:0;word-break:break-word}
ul.plain{margin:0;padding:0;list-style:none}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
th{font-weight:600;background:var(--soft)}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tfoot td{font-weight:600}
.note{color:var(--muted);margin:4px 0}.bad{color:var(--error);font-weight:600}
.sev{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;font-weight:600;color:#fff;background:var(--style)}
.sev.error{background:var(--error)}.sev.warning{background:var(--warning)}.sev.info{background:var(--info)}.sev.zero{opacity:.35}
.rtitle{color:var(--muted);font-size:12px}
svg.treemap{width:100%;height:auto;display:block;border:1px solid var(--line);background:var(--soft)}
svg.treemap rect.frame{stroke:#fff;stroke-width:2}svg.treemap rect.tile{stroke:#fff;stroke-width:.6}
svg.treemap .cell:hover rect{stroke:#000;stroke-width:2}
svg.treemap text{font-size:11px;fill:#10161c;pointer-events:none}svg.treemap text.glabel{font-weight:700}svg.treemap text.csize{fill:#2c3640}
svg.sw{width:11px;height:11px;vertical-align:-1px}
.tree ul{list-style:none;margin:0;padding-left:18px}.tree ul.root{padding-left:0}
.tree summary{cursor:pointer}.tree li{padding:1px 0}
.tree summary::before{content:"\\25B8";width:10px;color:var(--muted)}.tree details[open]>summary::before{content:"\\25BE"}
.tree summary,.tree li.file{display:flex;gap:8px;align-items:baseline}
.tree .name{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.tree .target{color:var(--muted);font-size:12px}
.tree .mark{font-size:11px;padding:0 6px;border-radius:9px;background:#ffe8a3;color:#5c4400;white-space:nowrap}
.tree .meta{margin-left:auto;display:flex;gap:12px;color:var(--muted);font:11px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}
.tree .meta .size{min-width:72px;text-align:right}.tree .meta .owner{min-width:64px}
.tree li.marked>.name{font-weight:700}
tr.key td{background:#fbfcfd}
.warnings{color:var(--warning)}
footer{color:var(--muted);text-align:center;padding:16px;font-size:12px}
`;
