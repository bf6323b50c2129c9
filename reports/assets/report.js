// report.html behaviour (inlined by reports/html-report.ts). Reads only numbers from #lpc-charts and never
// builds HTML from strings: every text in the page was escaped when the file was written.
(() => {
  const $ = (id) => document.getElementById(id);

  // ---- requirement matrix filters ----------------------------------------------------------------
  const rows = Array.from(document.querySelectorAll('#matrix-table tbody tr'));
  const controls = ['f-verdict', 'f-level', 'f-area', 'f-text', 'f-exercised'].map($);
  const applyFilters = () => {
    const [verdict, level, area, text, exercised] = controls;
    const q = text.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const ok =
        (verdict.value === '' || row.dataset.verdict === verdict.value) &&
        (level.value === '' || row.dataset.level === level.value) &&
        (area.value === '' || row.dataset.area === area.value) &&
        (!exercised.checked || row.dataset.exercised === 'yes') &&
        (q === '' || row.textContent.toLowerCase().includes(q) || (row.dataset.search || '').includes(q));
      row.hidden = !ok;
      if (ok) shown++;
    }
    $('f-count').textContent = `${shown} of ${rows.length} requirements`;
  };
  for (const c of controls) c.addEventListener('input', applyFilters);
  applyFilters();

  // ---- charts ------------------------------------------------------------------------------------
  const data = JSON.parse($('lpc-charts').textContent);
  const colours = { target: '#0969da', sent: '#bc4c00', received: '#1a7f37', capacity: '#6e7781' };
  for (const item of data) {
    const el = $(`chart-${item.index}`);
    if (!el || !item.charts) continue;
    const c = item.charts;
    const shade = (u) => {
      const ctx = u.ctx;
      ctx.save();
      for (const w of item.windows) {
        const x0 = u.valToPos(w.fromMs / 1000, 'x', true);
        const x1 = u.valToPos(w.toMs / 1000, 'x', true);
        ctx.fillStyle = w.kind === 'waiting-image' ? 'rgba(242, 204, 96, 0.35)' : 'rgba(140, 149, 159, 0.18)';
        ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
      }
      ctx.restore();
    };
    const width = Math.max(480, el.clientWidth || 900);
    const opts = {
      width,
      height: 240,
      scales: { x: { time: false, range: [0, (c.t.length * c.stepMs) / 1000] } },
      axes: [{ label: 'virtual time (s)' }, { label: 'kbit/s' }],
      series: [
        { label: 's' },
        { label: 'target', stroke: colours.target, width: 2 },
        { label: 'sent (video)', stroke: colours.sent, width: 1.5 },
        { label: 'server-received (video)', stroke: colours.received, width: 1.5 },
        {
          label: 'link capacity',
          stroke: colours.capacity,
          width: 2,
          dash: [6, 4],
          paths: uPlot.paths.stepped({ align: 1 }),
        },
      ],
      hooks: { drawClear: [shade] },
    };
    // uPlot: the global of the library inlined before this script.
    new uPlot(opts, [c.t, c.targetKbps, c.sentKbps, c.receivedKbps, c.capacityKbps], el);
  }
  document.body.dataset.ready = 'yes';
})();
