/** The playground's styles: a calm dark theme, no external fonts or assets. */
export const PAGE_CSS = `
:root {
  --bg: #0f1117; --panel: #171a23; --panel2: #1d2130; --line: #2a2f40; --text: #e6e8ef; --muted: #8b93a7;
  --accent: #7c83ff; --ok: #3ecf8e; --warn: #f5b942; --bad: #ff5d6c; --info: #5cb8ff;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.hidden { display: none !important; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0 0 10px; }
h3 { font-size: 14px; margin: 0; }
.muted { color: var(--muted); } .small { font-size: 12px; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 7px; padding: 7px 14px; font: inherit; font-weight: 600; cursor: pointer; }
button:hover { filter: brightness(1.1); } button:disabled { opacity: .5; cursor: default; }
button.ghost { background: transparent; border: 1px solid var(--line); color: var(--text); font-weight: 500; padding: 5px 10px; }
select, textarea, input[type=password] { background: var(--panel2); color: var(--text); border: 1px solid var(--line); border-radius: 7px; padding: 7px 9px; font: inherit; }
textarea { resize: vertical; width: 100%; }
.check { display: inline-flex; gap: 5px; align-items: center; color: var(--muted); font-size: 12.5px; }
.top { display: flex; align-items: center; gap: 18px; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { font-weight: 700; font-size: 16px; } .logo { color: var(--accent); }
.top-info { flex: 1; color: var(--muted); font-family: var(--mono); font-size: 12.5px; display: flex; gap: 10px; align-items: center; }
.badge { background: rgba(124,131,255,.15); color: var(--accent); border: 1px solid rgba(124,131,255,.35); border-radius: 99px; padding: 1px 9px; font-size: 11.5px; font-family: inherit; }
.conn { display: flex; align-items: center; gap: 7px; color: var(--muted); font-size: 12.5px; }
.dot { width: 9px; height: 9px; border-radius: 50%; background: var(--muted); display: inline-block; }
.dot.ok { background: var(--ok); box-shadow: 0 0 8px var(--ok); } .dot.bad { background: var(--bad); }
.layout { display: grid; grid-template-columns: 270px 1fr; min-height: calc(100% - 50px); }
.sidebar { border-right: 1px solid var(--line); padding: 16px; background: var(--panel); }
.content { padding: 16px; display: flex; flex-direction: column; gap: 14px; min-width: 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px; min-width: 0; }
.card-head { display: flex; align-items: center; gap: 10px; margin-bottom: 10px; }
.card-head h3 { flex: 1; }
.columns { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 14px; }
@media (max-width: 1100px) { .columns { grid-template-columns: 1fr; } .layout { grid-template-columns: 1fr; } }
.plugin-list { display: flex; flex-direction: column; gap: 8px; }
.plugin-item { text-align: left; background: var(--panel2); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; color: var(--text); font-weight: 400; width: 100%; }
.plugin-item.selected { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent) inset; }
.plugin-item .name { font-weight: 600; display: flex; justify-content: space-between; gap: 8px; align-items: center; }
.plugin-item .sub { color: var(--muted); font-size: 12px; font-family: var(--mono); margin-top: 2px; }
.pill { font-size: 11px; font-weight: 600; border-radius: 99px; padding: 1px 8px; text-transform: lowercase; white-space: nowrap; }
.pill.healthy { background: rgba(62,207,142,.15); color: var(--ok); }
.pill.unhealthy, .pill.crashed, .pill.failed, .pill.invalid, .pill.refused { background: rgba(255,93,108,.15); color: var(--bad); }
.pill.starting, .pill.loading, .pill.reloading, .pill.waiting-config { background: rgba(245,185,66,.15); color: var(--warn); }
.pill.stopped { background: rgba(139,147,167,.15); color: var(--muted); }
.detail-head { display: flex; align-items: flex-start; gap: 14px; }
.detail-head .titles { flex: 1; }
.detail-head h1 { font-size: 19px; margin: 0 0 2px; display: flex; gap: 10px; align-items: center; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 10px 0 4px; color: var(--muted); font-size: 12.5px; }
.facts b { color: var(--text); font-weight: 500; font-family: var(--mono); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.chip { border: 1px solid var(--line); border-radius: 99px; padding: 1px 9px; font-size: 12px; color: var(--muted); }
.chip.on { border-color: rgba(62,207,142,.5); color: var(--ok); }
.timeline { display: flex; gap: 2px; align-items: flex-end; height: 26px; margin-top: 6px; }
.timeline span { width: 7px; height: 100%; border-radius: 2px; background: var(--ok); opacity: .85; }
.timeline span.bad { background: var(--bad); }
.state-message { margin-top: 8px; color: var(--warn); font-size: 13px; }
.attempt-fail { margin-top: 10px; border-left: 3px solid var(--bad); padding: 6px 10px; background: rgba(255,93,108,.07); border-radius: 4px; }
.attempt-fail pre { margin: 6px 0 0; white-space: pre-wrap; color: #ffb3ba; max-height: 140px; overflow: auto; }
.diag { margin: 8px 0 0; padding: 0; list-style: none; font-size: 13px; }
.diag li { padding: 3px 0; } .diag .sev-error { color: var(--bad); } .diag .sev-warning { color: var(--warn); }
.chat-controls { display: flex; gap: 8px; align-items: center; }
.card.chat { display: flex; flex-direction: column; }
.chat-log { flex: 1; min-height: 290px; overflow: auto; display: flex; flex-direction: column; gap: 8px; padding: 4px 2px 10px; }
.msg { max-width: 85%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-break: break-word; }
.msg.user { align-self: flex-end; background: var(--accent); color: #fff; border-bottom-right-radius: 3px; }
.msg.assistant { align-self: flex-start; background: var(--panel2); border: 1px solid var(--line); border-bottom-left-radius: 3px; }
.msg.error { align-self: flex-start; background: rgba(255,93,108,.1); border: 1px solid rgba(255,93,108,.4); color: #ffb3ba; font-family: var(--mono); font-size: 12.5px; }
.msg .meta { display: block; font-size: 11px; color: var(--muted); margin-top: 4px; font-family: var(--mono); }
.msg.streaming::after { content: "\\258D"; color: var(--accent); animation: blink 1s steps(2) infinite; }
@keyframes blink { to { opacity: 0; } }
.chat-form { display: flex; gap: 8px; align-items: flex-end; }
.request-list { max-height: 160px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.req { display: grid; grid-template-columns: 46px 1fr 44px 62px; gap: 8px; padding: 5px 10px; font-family: var(--mono); font-size: 12px; cursor: pointer; border-bottom: 1px solid var(--line); }
.req:last-child { border-bottom: 0; } .req:hover { background: var(--panel2); } .req.selected { background: rgba(124,131,255,.12); }
.req .st-ok { color: var(--ok); } .req .st-bad { color: var(--bad); } .req .ms { text-align: right; color: var(--muted); }
.request-detail { margin-top: 10px; font-size: 12.5px; }
.request-detail h4 { margin: 10px 0 4px; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; display: flex; justify-content: space-between; align-items: center; }
.request-detail pre { margin: 0; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; max-height: 150px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
.log-view { margin: 0; height: 190px; overflow: auto; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; white-space: pre-wrap; }
.log-view .stderr { color: #ff9aa4; } .log-view .stdout { color: #c9cfdd; }
.empty { color: var(--muted); padding: 6px 0; }
.token-panel { max-width: 520px; margin: 60px auto; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 22px; }
.token-panel form { display: flex; gap: 8px; } .token-panel input { flex: 1; }
`;
