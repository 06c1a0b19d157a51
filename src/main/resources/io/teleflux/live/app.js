// The live view: one EventSource per page (device and fleet on one stream), a table per view and
// a uPlot chart of the pinned interfaces. Numbers in data-* attributes are String(number) of what
// the server sent, so that tests can compare them with what InfluxDB stored.
(function () {
  'use strict';
  const body = document.body;
  const TOP = parseInt(body.dataset.top, 10) || 20;
  const HISTORY_MS = parseInt(body.dataset.historyMs, 10) || 300000;
  const DEFAULT_PINS = 4;
  const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700', '#0598bc', '#cf222e', '#6e7781'];

  const $ = (sel) => document.querySelector(sel);
  const search = $('#device-search');
  const results = $('#device-results');
  const title = $('#device-title');
  const ifBody = $('#interfaces tbody');
  const fleetBody = $('#fleet tbody');
  const rankSel = $('#fleet-rank');
  const conn = $('#conn-status');
  const chartEl = $('#chart');

  let device = new URLSearchParams(location.search).get('device') || '';
  let es = null;
  let retryTimer = null;
  let series = new Map(); // key -> {iface, source, speed, latest, hist: {t, in, out}, pinned, row}
  let plot = null;
  let plotDirty = false;
  let lastServerMs = 0;

  const key = (iface, source) => iface + '\u0000' + source;
  const str = (v) => (v === null || v === undefined) ? '' : String(v);
  const maxKnown = (a, b) => (a === null || a === undefined) ? (b ?? null) : (b === null || b === undefined) ? a : Math.max(a, b);
  const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

  function fmtBps(v) {
    if (v === null || v === undefined) return '–';
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(2) + ' Gbps';
    if (a >= 1e6) return (v / 1e6).toFixed(2) + ' Mbps';
    if (a >= 1e3) return (v / 1e3).toFixed(1) + ' kbps';
    return v.toFixed(0) + ' bps';
  }
  function fmtPps(v) {
    if (v === null || v === undefined) return '–';
    if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(2) + ' Mpps';
    if (Math.abs(v) >= 1e3) return (v / 1e3).toFixed(1) + ' kpps';
    return v.toFixed(0) + ' pps';
  }
  function fmtPct(v) {
    return (v === null || v === undefined) ? '–' : v.toFixed(1) + ' %';
  }
  function badge(source) {
    const b = document.createElement('span');
    b.className = 'badge ' + source;
    b.textContent = source === 'snmp' ? 'SNMP' : source;
    return b;
  }
  function utilClass(u) {
    return u === null ? '' : u >= 90 ? 'util-hot' : u >= 70 ? 'util-warm' : '';
  }

  // ---- connection ----

  function connect() {
    if (es) es.close();
    clearTimeout(retryTimer);
    const q = new URLSearchParams();
    if (device) q.set('device', device);
    q.set('top', String(TOP));
    q.set('rank', rankSel.value);
    setConn('connecting');
    es = new EventSource('/live/events?' + q.toString());
    const mine = es;
    es.onopen = () => setConn('connected');
    es.onerror = () => {
      setConn('reconnecting');
      // the browser retries by itself unless the answer was not a stream (503, 401): then we do
      if (mine.readyState === EventSource.CLOSED && mine === es) {
        retryTimer = setTimeout(connect, 3000);
      }
    };
    es.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data)));
    es.addEventListener('sample', (e) => onSample(JSON.parse(e.data)));
    es.addEventListener('status', (e) => onStatus(JSON.parse(e.data)));
    es.addEventListener('top', (e) => onTop(JSON.parse(e.data)));
  }

  function setConn(state) {
    conn.textContent = state;
    conn.className = 'conn ' + state;
  }

  // ---- device ----

  function selectDevice(name) {
    device = name;
    const u = new URL(location.href);
    if (name) u.searchParams.set('device', name); else u.searchParams.delete('device');
    history.replaceState(null, '', u.toString());
    showTitle();
    series = new Map();
    ifBody.replaceChildren();
    rebuildChart();
    for (const li of results.querySelectorAll('li')) li.classList.toggle('selected', li.dataset.device === name);
    connect();
  }

  function showTitle() {
    title.dataset.device = device;
    title.textContent = device || 'Pick a device';
    title.classList.remove('stale');
  }

  function onSnapshot(s) {
    if (s.device !== device) return;
    series = new Map();
    ifBody.replaceChildren();
    for (const x of s.series) {
      const e = entry(x.interface, x.source);
      e.speed = x.speed_bps;
      e.latest = x.latest;
      e.hist = { t: x.history.t.slice(), in: x.history.in_bps.slice(), out: x.history.out_bps.slice() };
    }
    // the busiest few go on the chart
    const busiest = [...series.values()].sort((a, b) =>
      (maxKnown(b.latest.in_bps, b.latest.out_bps) ?? -1) - (maxKnown(a.latest.in_bps, a.latest.out_bps) ?? -1));
    busiest.slice(0, DEFAULT_PINS).forEach((e) => { e.pinned = true; });
    for (const e of sortedSeries()) {
      renderRow(e);
      ifBody.appendChild(e.row);
    }
    rebuildChart();
  }

  function onSample(x) {
    let e = series.get(key(x.interface, x.source));
    const isNew = !e;
    if (isNew) e = entry(x.interface, x.source);
    if (e.latest && x.t < e.latest.t) return; // already in the snapshot
    if (x.speed_bps !== undefined && x.speed_bps !== null) e.speed = x.speed_bps;
    const newer = !e.latest || x.t > e.latest.t;
    e.latest = x;
    if (newer) {
      e.hist.t.push(x.t);
      e.hist.in.push(x.in_bps);
      e.hist.out.push(x.out_bps);
      while (e.hist.t.length && x.t - e.hist.t[0] > HISTORY_MS) {
        e.hist.t.shift(); e.hist.in.shift(); e.hist.out.shift();
      }
    }
    renderRow(e);
    if (isNew) insertRow(e);
    if (e.pinned) scheduleChart();
  }

  function entry(iface, source) {
    const e = { iface, source, speed: null, latest: null, hist: { t: [], in: [], out: [] }, pinned: false, row: null };
    series.set(key(iface, source), e);
    return e;
  }

  function sortedSeries() {
    return [...series.values()].sort((a, b) => natural.compare(a.iface, b.iface) || a.source.localeCompare(b.source));
  }

  function insertRow(e) {
    const all = sortedSeries();
    const next = all[all.indexOf(e) + 1];
    ifBody.insertBefore(e.row, next && next.row && next.row.parentNode === ifBody ? next.row : null);
  }

  function renderRow(e) {
    if (!e.row) {
      const tr = document.createElement('tr');
      tr.dataset.interface = e.iface;
      tr.dataset.source = e.source;
      const pin = document.createElement('input');
      pin.type = 'checkbox';
      pin.className = 'pin';
      pin.title = 'show on the chart';
      pin.addEventListener('change', () => { e.pinned = pin.checked; rebuildChart(); });
      const cells = [];
      for (let i = 0; i < 9; i++) cells.push(document.createElement('td'));
      cells[0].appendChild(pin);
      cells[1].textContent = e.iface;
      cells[2].appendChild(badge(e.source));
      tr.append(...cells);
      e.row = tr;
      e.pin = pin;
      e.cells = cells;
    }
    const l = e.latest || {};
    const util = maxKnown(l.in_util_pct, l.out_util_pct);
    const tr = e.row;
    tr.dataset.t = str(l.t);
    tr.dataset.inBps = str(l.in_bps);
    tr.dataset.outBps = str(l.out_bps);
    tr.dataset.inPps = str(l.in_pps);
    tr.dataset.outPps = str(l.out_pps);
    tr.dataset.util = str(util);
    e.pin.checked = e.pinned;
    e.cells[3].textContent = fmtBps(l.in_bps);
    e.cells[4].textContent = fmtBps(l.out_bps);
    e.cells[5].textContent = fmtPps(l.in_pps);
    e.cells[6].textContent = fmtPps(l.out_pps);
    e.cells[7].textContent = fmtPct(util);
    e.cells[7].className = utilClass(util);
    e.cells[7].title = e.speed ? 'speed ' + fmtBps(e.speed) : 'speed unknown';
    renderAge(e);
  }

  function renderAge(e) {
    if (e.latest && lastServerMs) {
      e.cells[8].textContent = Math.max(0, Math.round((lastServerMs - e.latest.t) / 1000)) + ' s';
    }
  }

  function onStatus(st) {
    lastServerMs = st.server_ms;
    title.classList.toggle('stale', !!device && st.device_stale);
    const stale = new Set(st.stale.map((s) => key(s.interface, s.source)));
    for (const [k, e] of series) {
      if (e.row) {
        e.row.classList.toggle('stale', stale.has(k));
        renderAge(e);
      }
    }
  }

  // ---- chart ----

  function scheduleChart() {
    if (plotDirty) return;
    plotDirty = true;
    requestAnimationFrame(() => { plotDirty = false; if (plot) plot.setData(chartData()); });
  }

  function pinned() {
    return sortedSeries().filter((e) => e.pinned);
  }

  // uPlot wants one x array: the union of the pinned series' times, each series null where it has no sample
  function chartData() {
    const ps = pinned();
    const times = new Set();
    for (const e of ps) for (const t of e.hist.t) times.add(t);
    const xs = [...times].sort((a, b) => a - b);
    const at = new Map(xs.map((t, i) => [t, i]));
    const data = [xs.map((t) => t / 1000)];
    for (const e of ps) {
      const inV = new Array(xs.length).fill(null);
      const outV = new Array(xs.length).fill(null);
      e.hist.t.forEach((t, i) => { inV[at.get(t)] = e.hist.in[i]; outV[at.get(t)] = e.hist.out[i]; });
      data.push(inV, outV);
    }
    return data;
  }

  function rebuildChart() {
    if (plot) { plot.destroy(); plot = null; }
    chartEl.replaceChildren();
    const ps = pinned();
    if (!device || ps.length === 0) return;
    const ser = [{}];
    ps.forEach((e, i) => {
      const c = COLORS[i % COLORS.length];
      const label = e.iface + (e.source === 'snmp' ? ' (SNMP)' : '');
      ser.push({ label: label + ' in', stroke: c, width: 1.5, spanGaps: true, points: { show: false }, value: (u, v) => fmtBps(v) });
      ser.push({ label: label + ' out', stroke: c, width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false }, value: (u, v) => fmtBps(v) });
    });
    const opts = {
      width: Math.max(300, chartEl.clientWidth || 800),
      height: 260,
      series: ser,
      axes: [{}, { values: (u, vals) => vals.map(fmtBps), size: 80 }],
      scales: { y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    };
    plot = new uPlot(opts, chartData(), chartEl);
  }

  window.addEventListener('resize', () => {
    if (plot) plot.setSize({ width: Math.max(300, chartEl.clientWidth), height: 260 });
  });

  // ---- fleet ----

  function onTop(t) {
    if (t.rank !== rankSel.value) return;
    const rows = t.rows.map((r, i) => {
      const tr = document.createElement('tr');
      tr.dataset.device = r.device;
      tr.dataset.interface = r.interface;
      tr.dataset.source = r.source;
      tr.dataset.t = str(r.t);
      tr.dataset.inBps = str(r.in_bps);
      tr.dataset.outBps = str(r.out_bps);
      tr.dataset.util = str(r.util_pct);
      const vals = [String(i + 1), r.device, r.interface, null, fmtBps(r.in_bps), fmtBps(r.out_bps), fmtPct(r.util_pct)];
      vals.forEach((v, j) => {
        const td = document.createElement('td');
        if (j === 3) td.appendChild(badge(r.source)); else td.textContent = v;
        if (j === 6) td.className = utilClass(r.util_pct);
        tr.appendChild(td);
      });
      tr.addEventListener('click', () => selectDevice(r.device));
      return tr;
    });
    fleetBody.replaceChildren(...rows);
    $('#fleet-note').textContent = t.rank === 'util' && t.unknown_speed > 0
      ? t.unknown_speed + ' interfaces without a known speed are not ranked (choose "by bps")' : '';
  }

  rankSel.addEventListener('change', connect);

  // ---- device search ----

  let searchTimer = null;
  let searchSeq = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });

  // The list is refreshed by itself: a page opened before the first device reported (an empty
  // collector just started) fills in within seconds, and new or stale devices show later on.
  async function runSearch() {
    const seq = ++searchSeq;
    clearTimeout(searchTimer);
    let empty = true;
    try {
      const r = await fetch('/live/api/devices?limit=50&q=' + encodeURIComponent(search.value), { cache: 'no-store' });
      if (seq !== searchSeq) return; // a newer search owns the list and the timer
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const d = await r.json();
      if (seq !== searchSeq) return;
      empty = d.total === 0;
      results.replaceChildren(...d.devices.map((x) => {
        const li = document.createElement('li');
        li.dataset.device = x.device;
        li.classList.toggle('stale', x.stale);
        li.classList.toggle('selected', x.device === device);
        const name = document.createElement('span');
        name.textContent = x.device;
        const n = document.createElement('small');
        n.textContent = x.interfaces + ' if · ' + x.sources.map((s) => s === 'snmp' ? 'SNMP' : s).join(', ');
        li.append(name, n);
        li.addEventListener('click', () => selectDevice(x.device));
        return li;
      }));
      $('#device-count').textContent = d.total > d.devices.length
        ? d.devices.length + ' of ' + d.total + ' devices: type to narrow' : d.total + ' devices';
    } catch (err) {
      $('#device-count').textContent = 'device list unavailable';
    }
    if (seq === searchSeq) searchTimer = setTimeout(runSearch, empty ? 2000 : 15000);
  }

  showTitle();
  runSearch();
  connect();
})();
