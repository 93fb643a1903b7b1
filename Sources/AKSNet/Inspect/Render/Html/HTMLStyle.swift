/// The page's only stylesheet, inline (no web fonts: system font stacks).
enum HTMLStyle {
    static let css = """
    :root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --panel:#f6f8fa;
            --error:#cf222e; --error-bg:#ffebe9; --warning:#9a6700; --warning-bg:#fff8c5; --info:#0969da; --info-bg:#ddf4ff;
            --ok:#1a7f37; --ok-bg:#dafbe1; }
    * { box-sizing: border-box; }
    body { margin:0; background:var(--bg); color:var(--fg);
           font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
    main { max-width: 1360px; margin: 0 auto; padding: 24px 28px 48px; }
    header.report { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 22px; }
    h1 { font-size: 26px; margin: 0 0 4px; }
    h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
    h3 { font-size: 16px; margin: 18px 0 8px; }
    .meta { color: var(--muted); font-size: 13px; }
    .meta code { color: var(--fg); }
    code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
    .summary { display:flex; gap:10px; margin-top: 12px; flex-wrap: wrap; }
    .pill { display:inline-block; border-radius: 999px; padding: 2px 12px; font-size: 13px; font-weight: 600; }
    .pill.error { color: var(--error); background: var(--error-bg); }
    .pill.warning { color: var(--warning); background: var(--warning-bg); }
    .pill.info { color: var(--info); background: var(--info-bg); }
    .pill.ok { color: var(--ok); background: var(--ok-bg); }
    .finding { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 6px; padding: 12px 16px; margin: 10px 0; }
    .finding.error { border-left-color: var(--error); }
    .finding.warning { border-left-color: #d4a72c; }
    .finding h3 { margin: 0; line-height: 1.45; display: inline; font-size: 16px; }
    .finding > details { border: 0; margin: 0; background: none; }
    .finding > details > summary { padding: 0; font-weight: 600; }
    .finding > details[open] > summary { border: 0; background: none; margin-bottom: 6px; }
    .finding.warning, .finding.info { padding-top: 8px; padding-bottom: 8px; }
    .finding h3 .pill, .finding h3 .id { margin-right: 8px; vertical-align: 1px; }
    .finding .id { font-weight: 600; font-size: 13px; color: #424a53; background: var(--panel); border: 1px solid var(--line);
                   border-radius: 4px; padding: 1px 6px; }
    .finding .nodes { font-size: 13px; color: var(--muted); margin-bottom: 6px; }
    .sev { text-transform: uppercase; font-size: 11px; letter-spacing: .04em; }
    pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 6px 0;
          overflow-x: auto; white-space: pre; line-height: 1.45; }
    pre .src { color: var(--muted); }
    .fix { background: #f0f7ff; border: 1px solid #b6d7ff; border-radius: 6px; padding: 8px 12px; margin-top: 8px; font-size: 14px; }
    .fix b { color: #0550ae; }
    figure.topology { margin: 0; overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: #fbfcfd; }
    figure.topology svg { display:block; max-width: 100%; height: auto; }
    figure figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
    table { border-collapse: collapse; margin: 6px 0 12px; font-size: 14px; }
    th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
    th { background: var(--panel); font-weight: 600; }
    table.facts th { width: 220px; }
    details { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; background: #fff; }
    details > summary { cursor: pointer; padding: 8px 12px; font-weight: 600; }
    details[open] > summary { border-bottom: 1px solid var(--line); background: var(--panel); }
    details > .body { padding: 8px 14px 12px; }
    details details > summary { font-weight: 500; font-size: 14px; }
    .badge { display:inline-block; font-size: 12px; font-weight: 600; border-radius: 4px; padding: 0 6px; margin-left: 6px; }
    .badge.error { color: var(--error); background: var(--error-bg); }
    .badge.warning { color: var(--warning); background: var(--warning-bg); }
    .badge.muted { color: var(--muted); background: var(--panel); }
    ol.flow li { margin: 2px 0; }
    .place { display:inline-block; min-width: 76px; font-size: 11px; font-weight: 600; text-transform: uppercase;
             letter-spacing: .04em; color: var(--muted); }
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 0 28px; align-items: start; }
    .grid h3:first-child { margin-top: 6px; }
    tr.alert td { color: var(--error); font-weight: 600; background: var(--error-bg); }
    .cut { color: var(--warning); font-size: 13px; }
    """
}
