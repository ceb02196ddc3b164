/* fogofwar map page: stories on a Leaflet map, a timeline, filters and a story panel.
 *
 * Plain JS, no build step. Two data providers: the served API (GET api/stories, api/stories/{id})
 * and the self-contained report (the inline JSON block #fogofwar-data).
 * Article data is hostile input: it only ever reaches the page as text nodes (textContent),
 * never through innerHTML, and links are made only from http(s) URLs.
 */
(function () {
  'use strict';

  var TYPES = ['capture', 'withdrawal', 'advance', 'encirclement', 'attack', 'casualties', 'aid'];
  var TYPE_COLORS = {
    capture: '#d62728', withdrawal: '#ff7f0e', advance: '#2ca02c', encirclement: '#9467bd',
    attack: '#8c564b', casualties: '#17202a', aid: '#17becf'
  };
  var OTHER_COLOR = '#9e9e9e';
  var STATUSES = ['corroborated', 'confirmed', 'claimed', 'unverified', 'disputed'];
  /* Outline by status: solid thick, solid, dashed, dotted (and paler), magenta dash-dot. */
  var STATUS_STYLES = {
    corroborated: { color: '#111', weight: 3, dashArray: null, fillOpacity: 0.9 },
    confirmed: { color: '#111', weight: 1.5, dashArray: null, fillOpacity: 0.85 },
    claimed: { color: '#111', weight: 2, dashArray: '5 3', fillOpacity: 0.75 },
    unverified: { color: '#555', weight: 2, dashArray: '1 3', fillOpacity: 0.4 },
    disputed: { color: '#e6007e', weight: 3, dashArray: '7 3 2 3', fillOpacity: 0.8 }
  };
  var DAY = 86400000;
  var PAGE = 500;
  var MAX_BINS = 240;

  /* ---------- small DOM helpers (text only) ---------- */

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'className') node.className = v;
        else if (k.slice(0, 2) === 'on' && typeof v === 'function') node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function safeUrl(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
  }

  /* Leaflet writes attributions with innerHTML: a user-given attribution goes in as escaped text. */
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /* Tile templates only from http(s), file or same-origin paths; anything else is ignored. */
  function safeTiles(url) {
    return typeof url === 'string' && /^(https?:\/\/|file:\/\/|\/(?!\/))/i.test(url) ? url : null;
  }

  function label(s) { return s ? String(s).replace(/_/g, ' ') : ''; }

  function cap(s) { s = label(s); return s.charAt(0).toUpperCase() + s.slice(1); }

  function parseDay(s) {
    if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
    var t = Date.parse(s.slice(0, 10) + 'T00:00:00Z');
    return isNaN(t) ? null : Math.floor(t / DAY);
  }

  function dayString(d) { return new Date(d * DAY).toISOString().slice(0, 10); }

  function readJsonBlock(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    return JSON.parse(node.textContent);
  }

  /* ---------- data providers ---------- */

  function ReportProvider(data) {
    this.mode = 'report';
    this.data = data;
  }
  ReportProvider.prototype.stories = function () {
    return Promise.resolve(this.data.stories || []);
  };
  ReportProvider.prototype.detail = function (id) {
    var d = (this.data.details || {})[id];
    return d ? Promise.resolve(d) : Promise.reject(new Error('no details for story ' + id));
  };
  ReportProvider.prototype.basemap = function (name) {
    return Promise.resolve(readJsonBlock('fogofwar-basemap-' + name));
  };

  function ApiProvider(base) {
    this.mode = 'served';
    this.base = base;
  }
  ApiProvider.prototype.getJson = function (path) {
    return fetch(this.base + path, { headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('GET ' + path + ': HTTP ' + r.status);
      return r.json();
    });
  };
  ApiProvider.prototype.stories = function () {
    var self = this, all = [];
    function page(offset) {
      return self.getJson('api/stories?limit=' + PAGE + '&offset=' + offset).then(function (body) {
        var items = body.items || [];
        all = all.concat(items);
        var next = offset + items.length;
        if (items.length === 0 || next >= (body.total || 0)) return all;
        return page(next);
      });
    }
    return page(0);
  };
  ApiProvider.prototype.detail = function (id) {
    return this.getJson('api/stories/' + encodeURIComponent(id));
  };
  ApiProvider.prototype.basemap = function (name) {
    return fetch(this.base + 'static/basemap/' + name + '.geojson').then(function (r) {
      return r.ok ? r.json() : null;
    }).catch(function () { return null; });
  };

  function makeProvider() {
    var data = readJsonBlock('fogofwar-data');
    if (data) return new ReportProvider(data);
    return new ApiProvider('');
  }

  /* ---------- state ---------- */

  var state = {
    provider: null,
    stories: [],
    byId: {},
    markers: {},
    selected: null,
    filters: { types: {}, statuses: {}, side: '', kind: '', undated: true, from: null, to: null },
    day0: null,
    nDays: 0
  };
  var map, markerLayer;

  function config() {
    var cfg = readJsonBlock('fogofwar-config') || {};
    var params = new URLSearchParams(window.location.search);
    if (safeTiles(params.get('tiles'))) cfg.tiles = params.get('tiles');
    if (params.get('attribution')) cfg.attribution = params.get('attribution');
    return cfg;
  }

  /* ---------- filters ---------- */

  function storyDays(s) {
    var a = parseDay(s.first_date), b = parseDay(s.last_date);
    if (a === null) a = b;
    if (b === null) b = a;
    return a === null ? null : [Math.min(a, b), Math.max(a, b)];
  }

  function passesNonDate(s) {
    var f = state.filters;
    var type = TYPES.indexOf(s.type) >= 0 ? s.type : 'other';
    if (f.types[type] === false) return false;
    if (f.statuses[s.status] === false) return false;
    if (f.side && s.actor_side !== f.side) return false;
    if (f.kind && !(s.sources || []).some(function (src) { return src.kind === f.kind; })) return false;
    return true;
  }

  function passes(s) {
    if (!passesNonDate(s)) return false;
    var days = storyDays(s), f = state.filters;
    if (!days) return f.undated;
    if (f.from !== null && days[1] < f.from) return false;
    if (f.to !== null && days[0] > f.to) return false;
    return true;
  }

  function statusIcon(status) {
    var st = STATUS_STYLES[status] || STATUS_STYLES.unverified;
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', '16'); svg.setAttribute('height', '16');
    svg.setAttribute('class', 'status-icon');
    var c = document.createElementNS(ns, 'circle');
    c.setAttribute('cx', '8'); c.setAttribute('cy', '8'); c.setAttribute('r', '5.5');
    c.setAttribute('fill', '#bbb'); c.setAttribute('fill-opacity', String(st.fillOpacity));
    c.setAttribute('stroke', st.color); c.setAttribute('stroke-width', String(Math.min(st.weight, 2.5)));
    if (st.dashArray) c.setAttribute('stroke-dasharray', st.dashArray);
    svg.appendChild(c);
    return svg;
  }

  function buildFilters() {
    document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); });
    var present = {};
    state.stories.forEach(function (s) { present[TYPES.indexOf(s.type) >= 0 ? s.type : 'other'] = true; });
    var typeBox = document.getElementById('f-type');
    TYPES.concat(present.other ? ['other'] : []).forEach(function (t) {
      var box = el('input', { type: 'checkbox', checked: 'checked', 'data-type': t });
      box.addEventListener('change', function () { state.filters.types[t] = box.checked; refresh(); });
      typeBox.appendChild(el('label', { title: present[t] ? null : 'no ' + t + ' stories' }, box,
        el('span', { className: 'swatch', style: 'background:' + (TYPE_COLORS[t] || OTHER_COLOR) }), label(t)));
    });
    var statusBox = document.getElementById('f-status');
    STATUSES.forEach(function (st) {
      var box = el('input', { type: 'checkbox', checked: 'checked', 'data-status': st });
      box.addEventListener('change', function () { state.filters.statuses[st] = box.checked; refresh(); });
      statusBox.appendChild(el('label', null, box, statusIcon(st), st));
    });
    var sides = {}, kinds = {};
    state.stories.forEach(function (s) {
      if (s.actor_side) sides[s.actor_side] = true;
      (s.sources || []).forEach(function (src) { if (src.kind) kinds[src.kind] = true; });
    });
    var sideSel = document.getElementById('f-side');
    Object.keys(sides).sort().forEach(function (v) { sideSel.appendChild(el('option', { value: v, text: v })); });
    sideSel.addEventListener('change', function () { state.filters.side = sideSel.value; refresh(); });
    var kindSel = document.getElementById('f-kind');
    Object.keys(kinds).sort().forEach(function (v) { kindSel.appendChild(el('option', { value: v, text: label(v) })); });
    kindSel.addEventListener('change', function () { state.filters.kind = kindSel.value; refresh(); });
    var undated = document.getElementById('f-undated');
    undated.addEventListener('change', function () { state.filters.undated = undated.checked; refresh(); });
  }

  /* ---------- timeline ---------- */

  function buildTimeline() {
    var lo = null, hi = null;
    state.stories.forEach(function (s) {
      var d = storyDays(s);
      if (!d) return;
      lo = lo === null ? d[0] : Math.min(lo, d[0]);
      hi = hi === null ? d[1] : Math.max(hi, d[1]);
    });
    var from = document.getElementById('range-from'), to = document.getElementById('range-to');
    if (lo === null) {
      state.day0 = null; state.nDays = 0;
      from.disabled = to.disabled = true;
      return;
    }
    state.day0 = lo; state.nDays = hi - lo + 1;
    state.filters.from = lo; state.filters.to = hi;
    [from, to].forEach(function (input) {
      input.min = '0'; input.max = String(state.nDays - 1);
      input.disabled = state.nDays < 2;
    });
    from.value = '0'; to.value = String(state.nDays - 1);
    function onInput(e) {
      var a = Number(from.value), b = Number(to.value);
      if (a > b) { if (e.target === from) to.value = String(a); else from.value = String(b); }
      state.filters.from = state.day0 + Math.min(Number(from.value), Number(to.value));
      state.filters.to = state.day0 + Math.max(Number(from.value), Number(to.value));
      refresh();
    }
    from.addEventListener('input', onInput);
    to.addEventListener('input', onInput);
  }

  function drawTimeline() {
    var hist = document.getElementById('histogram'), lab = document.getElementById('range-label');
    clear(hist);
    var undated = state.stories.filter(function (s) { return !storyDays(s) && passesNonDate(s); }).length;
    if (!state.nDays) {
      lab.textContent = 'no dated stories' + (undated ? '; ' + undated + ' undated' : '');
      return;
    }
    /* at most MAX_BINS bars: a long span is binned (several days per bar) so the page never overflows */
    var bins = Math.min(state.nDays, MAX_BINS), counts = [];
    for (var i = 0; i < bins; i++) counts.push(0);
    function binOf(day) { return Math.min(bins - 1, Math.floor((day - state.day0) * bins / state.nDays)); }
    function binStart(k) { return state.day0 + Math.ceil(k * state.nDays / bins); }
    state.stories.forEach(function (s) {
      var d = storyDays(s);
      if (d && passesNonDate(s)) counts[binOf(d[0])] += 1;
    });
    var max = Math.max.apply(null, counts.concat([1]));
    counts.forEach(function (n, k) {
      var first = binStart(k), last = binStart(k + 1) - 1;
      var inRange = last >= state.filters.from && first <= state.filters.to;
      hist.appendChild(el('div', {
        className: 'bar' + (inRange ? ' in' : ''),
        style: 'height:' + (n ? Math.max(4, Math.round(100 * n / max)) : 0) + '%',
        title: dayString(first) + (last > first ? ' – ' + dayString(last) : '') + ': ' + n + (n === 1 ? ' story' : ' stories')
      }));
    });
    lab.textContent = dayString(state.filters.from) + ' – ' + dayString(state.filters.to) +
      (undated ? ' (+' + undated + ' undated' + (state.filters.undated ? '' : ', hidden') + ')' : '');
  }

  /* ---------- map ---------- */

  function buildMap(cfg) {
    map = L.map('map', { worldCopyJump: true, minZoom: 2 }).setView([30, 20], 2);
    map.attributionControl.setPrefix('Leaflet · basemap: Natural Earth');
    var basemapRenderer = L.canvas({ padding: 0.2 });
    cfg.tiles = safeTiles(cfg.tiles);
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { attribution: cfg.attribution ? escapeHtml(cfg.attribution) : '', maxZoom: 18 }).addTo(map);
    }
    var countriesStyle = cfg.tiles
      ? { color: '#555', weight: 0.8, fill: false }
      : { color: '#8d8d8d', weight: 0.8, fillColor: '#f4f1e8', fillOpacity: 1 };
    var countries = null, admin1 = null;
    var ready = state.provider.basemap('countries').then(function (geo) {
      if (!geo) return;
      countries = L.geoJSON(geo, { style: countriesStyle, interactive: false, renderer: basemapRenderer }).addTo(map);
      countries.bringToBack();
    });
    var ready1 = state.provider.basemap('admin1').then(function (geo) {
      if (!geo) return;
      admin1 = L.geoJSON(geo, { style: { color: '#b3a99a', weight: 0.5, dashArray: '2 2', fill: false },
        interactive: false, renderer: basemapRenderer });
      function toggle() {
        if (map.getZoom() >= 4) { if (!map.hasLayer(admin1)) admin1.addTo(map); }
        else if (map.hasLayer(admin1)) map.removeLayer(admin1);
      }
      map.on('zoomend', toggle);
      toggle();
    });
    markerLayer = L.featureGroup().addTo(map);
    map.on('zoomend', layoutMarkers);
    return Promise.all([ready.catch(function () {}), ready1.catch(function () {})]);
  }

  function markerStyle(s, selected) {
    var st = STATUS_STYLES[s.status] || STATUS_STYLES.unverified;
    return {
      radius: selected ? 11 : 8,
      fillColor: TYPE_COLORS[s.type] || OTHER_COLOR,
      fillOpacity: st.fillOpacity,
      color: st.color, weight: selected ? st.weight + 1 : st.weight, dashArray: st.dashArray, opacity: 1
    };
  }

  function storyTitle(s) {
    var place = s.place && s.place.name ? s.place.name : 'unknown place';
    var when = s.first_date ? (s.last_date && s.last_date !== s.first_date ? s.first_date + ' – ' + s.last_date : s.first_date) : 'undated';
    return cap(s.type) + ' · ' + place + ' · ' + when + ' · ' + s.status;
  }

  function decorate(marker, s) {
    var node = marker.getElement && marker.getElement();
    if (!node) return;
    node.setAttribute('data-story', s.id);
    node.setAttribute('data-type', s.type || '');
    node.setAttribute('data-status', s.status || '');
    node.setAttribute('role', 'button');
    node.setAttribute('tabindex', '0');
    node.setAttribute('aria-label', storyTitle(s));
    node.classList.add('fw-marker');
    node.classList.toggle('selected', state.selected === s.id);
  }

  function buildMarkers() {
    state.stories.forEach(function (s) {
      if (!s.place || typeof s.place.lat !== 'number' || typeof s.place.lon !== 'number') return;
      var m = L.circleMarker([s.place.lat, s.place.lon], markerStyle(s, false));
      m.fwStory = s;
      m.fwAnchor = L.latLng(s.place.lat, s.place.lon);
      var tip = el('span', { text: storyTitle(s) });
      m.bindTooltip(tip, { direction: 'top', offset: [0, -8] });
      m.on('add', function () { decorate(m, s); });
      m.on('click', function () { select(s.id); });
      m.on('add', function () {
        var node = m.getElement();
        if (node && !node.fwKeys) {
          node.fwKeys = true;
          node.addEventListener('keydown', function (e) {
            if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(s.id); }
          });
        }
      });
      state.markers[s.id] = m;
    });
  }

  /* Names of the places that have stories: the offline basemap has no labels of its own. */
  function buildPlaceLabels() {
    var seen = {}, labels = L.layerGroup();
    state.stories.forEach(function (s) {
      var p = s.place;
      if (!p || typeof p.lat !== 'number' || typeof p.lon !== 'number' || !p.name) return;
      var key = p.lat.toFixed(3) + ',' + p.lon.toFixed(3);
      if (seen[key]) return;
      seen[key] = true;
      labels.addLayer(L.tooltip({ permanent: true, direction: 'left', offset: [-14, 0], className: 'place-label',
        interactive: false, opacity: 0.85 }).setLatLng([p.lat, p.lon]).setContent(el('span', { text: p.name })));
    });
    function toggle() {
      if (map.getZoom() >= 5) { if (!map.hasLayer(labels)) labels.addTo(map); }
      else if (map.hasLayer(labels)) map.removeLayer(labels);
    }
    map.on('zoomend', toggle);
    toggle();
  }

  /* Stories at one place, or at places a few pixels apart at this zoom, would hide each other:
   * a marker joins the first group whose seed lies within NEAR pixels (no chaining, so no marker
   * moves further than NEAR plus the ring's radius), and each group is spread on a ring around its centre. */
  var NEAR = 18;
  function layoutMarkers() {
    if (!map) return;
    var shown = Object.keys(state.markers).sort().map(function (id) { return state.markers[id]; })
      .filter(function (m) { return markerLayer.hasLayer(m); });
    var groups = [];
    shown.forEach(function (m) {
      var p = map.latLngToLayerPoint(m.fwAnchor);
      var g = null;
      for (var i = 0; i < groups.length && !g; i++) {
        if (groups[i].members[0].p.distanceTo(p) < NEAR) g = groups[i];
      }
      if (!g) groups.push(g = { members: [] });
      g.members.push({ m: m, p: p });
    });
    groups.forEach(function (g) {
      var n = g.members.length;
      if (n === 1) { g.members[0].m.setLatLng(g.members[0].m.fwAnchor); return; }
      var cx = 0, cy = 0;
      g.members.forEach(function (o) { cx += o.p.x / n; cy += o.p.y / n; });
      g.members.forEach(function (o, i) {
        var r, a;
        if (n <= 6) { r = 12; a = -Math.PI / 2 + 2 * Math.PI * i / n; }  // a ring
        else { r = 9.5 * Math.sqrt(i + 0.5); a = i * 2.39996; }  // a sunflower disc: dense, no overlap
        o.m.setLatLng(map.layerPointToLatLng(L.point(cx + r * Math.cos(a), cy + r * Math.sin(a))));
      });
    });
  }

  /* ---------- list and refresh ---------- */

  function refresh() {
    var visible = state.stories.filter(passes);
    var shown = {};
    visible.forEach(function (s) { shown[s.id] = true; });
    Object.keys(state.markers).forEach(function (id) {
      var m = state.markers[id];
      if (shown[id] && !markerLayer.hasLayer(m)) markerLayer.addLayer(m);
      if (!shown[id] && markerLayer.hasLayer(m)) markerLayer.removeLayer(m);
    });
    layoutMarkers();
    var list = document.getElementById('story-list');
    clear(list);
    visible.forEach(function (s) {
      var item = el('li', { className: state.selected === s.id ? 'selected' : null, 'data-story': s.id },
        el('span', { className: 'swatch', style: 'background:' + (TYPE_COLORS[s.type] || OTHER_COLOR) }),
        el('button', { type: 'button', className: 'linkish', 'data-story': s.id, onclick: function () { select(s.id); } },
          storyTitle(s)),
        state.markers[s.id] ? null : ' (no coordinates)');
      list.appendChild(item);
    });
    document.getElementById('list-count').textContent = '(' + visible.length + ' of ' + state.stories.length + ')';
    document.getElementById('summary').textContent = state.stories.length + ' stories, ' + visible.length + ' shown' +
      (state.provider.mode === 'report' ? ' · report' : ' · live');
    drawTimeline();
  }

  /* ---------- the story panel ---------- */

  /* Offsets are Python code-point indices: split by code point, not UTF-16 unit. */
  function highlighted(sentence, spans) {
    var chars = Array.from(sentence || '');
    var classes = chars.map(function () { return ''; });
    spans.forEach(function (sp) {
      if (!sp.span || sp.span.length !== 2) return;
      var a = Math.max(0, sp.span[0]), b = Math.min(chars.length, sp.span[1]);
      for (var i = a; i < b; i++) classes[i] = classes[i] ? classes[i] + ' ' + sp.cls : sp.cls;
    });
    var out = [], i = 0;
    while (i < chars.length) {
      var j = i;
      while (j < chars.length && classes[j] === classes[i]) j++;
      var text = chars.slice(i, j).join('');
      out.push(classes[i] ? el('mark', { className: classes[i] }, text) : text);
      i = j;
    }
    return out;
  }

  function storyButton(id) {
    var s = state.byId[id];
    return el('button', { type: 'button', className: 'linkish', 'data-story': id, onclick: function () { select(id); } },
      s ? storyTitle(s) : id);
  }

  function renderDetail(d) {
    var s = d.story || state.byId[state.selected] || {};
    var box = document.getElementById('detail');
    clear(box);
    var place = s.place && s.place.name ? s.place.name : 'unknown place';
    box.appendChild(el('h2', { id: 'detail-title' }, cap(s.type) + ' — ' + place + ' ',
      el('span', { className: 'badge ' + (s.status || ''), 'data-status': s.status }, s.status)));
    var facts = el('dl', { className: 'facts' });
    function fact(k, v) { if (v !== null && v !== undefined && v !== '') facts.appendChild(el('dt', null, k)), facts.appendChild(el('dd', null, v)); }
    fact('Status', (s.status || '') + (s.reason ? ': ' + s.reason : ''));
    fact('Actor side', s.actor_side || 'unknown');
    fact('Dates', s.first_date ? (s.last_date && s.last_date !== s.first_date ? s.first_date + ' – ' + s.last_date : s.first_date) : 'undated');
    fact('Sides heard', (s.sides || []).join(', ') || 'none');
    fact('Articles', s.n_articles);
    fact('Place', s.place ? [place, s.place.geonameid ? ' (GeoNames ' + s.place.geonameid + ')' : '',
      typeof s.place.lat === 'number' ? ' ' + s.place.lat.toFixed(3) + ', ' + s.place.lon.toFixed(3) : ''].join('') : null);
    if (s.linked && s.linked.length) fact('Linked', s.linked.map(function (id, i) { return [i ? ', ' : '', storyButton(id)]; }));
    box.appendChild(facts);

    if (s.contradictions && s.contradictions.length) {
      box.appendChild(el('h3', null, 'Contradictions'));
      box.appendChild(el('ul', { className: 'plain contradictions' }, s.contradictions.map(function (c) { return el('li', null, c); })));
    }

    box.appendChild(el('h3', null, 'Sources (' + (s.sources || []).length + ')'));
    box.appendChild(el('ul', { className: 'plain sources', id: 'detail-sources' }, (s.sources || []).map(function (src) {
      return el('li', { className: 'source' }, el('strong', null, src.name || 'unnamed'),
        ' · ' + label(src.kind || 'other') + (src.side ? ' · ' + src.side : '') + ' · ',
        el('span', { className: 'cert ' + (src.certainty || '') }, src.certainty || ''),
        src.outlet ? ' · ' + src.outlet : '');
    })));
    if (!(s.sources || []).length) box.lastChild.appendChild(el('li', { className: 'hint' }, 'no attributed source'));

    if (d.ledger && d.ledger.entries) {
      box.appendChild(el('h3', null, 'Control of ' + ((d.ledger.place && d.ledger.place.name) || place)));
      box.appendChild(el('table', { className: 'ledger' },
        el('thead', null, el('tr', null, ['Date', 'Holder', 'Previous', 'Status', 'Story'].map(function (h) { return el('th', null, h); }))),
        el('tbody', null, d.ledger.entries.map(function (e) {
          return el('tr', { className: e.story === s.id ? 'current' : null },
            el('td', null, e.date || 'undated'), el('td', null, e.holder || '?'), el('td', null, e.previous || '?'),
            el('td', null, e.status || ''), el('td', null, e.story === s.id ? 'this story' : storyButton(e.story)));
        }))));
    }

    box.appendChild(el('h3', null, 'Events (' + (d.events || []).length + ')'));
    box.appendChild(el('ul', { className: 'plain events' }, (d.events || []).map(function (e) {
      return el('li', null, el('em', null, '“' + (e.trigger || e.type) + '”'),
        e.actor ? ' · ' + e.actor : '', e.actor_side ? ' (' + e.actor_side + ')' : '',
        e.target_side ? ' against ' + e.target_side : '',
        e.place_mention ? ' · at ' + e.place_mention : '',
        ' · ' + (e.date ? e.date + (e.date_precision && e.date_precision !== 'day' ? ' (' + e.date_precision + ')' : '') : 'undated'),
        e.modality && e.modality !== 'asserted' ? ' · ' + e.modality : '',
        e.negated ? ' · negated' : '',
        el('span', { className: 'hint' }, ' · ' + e.article));
    })));

    box.appendChild(el('h3', null, 'Claims (' + (d.claims || []).length + ')'));
    var claims = el('div', { id: 'detail-claims' });
    (d.claims || []).forEach(function (c) {
      var url = safeUrl(c.url);
      var outlet = c.outlet || c.article;
      var head = el('div', { className: 'meta' },
        url ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, outlet) : el('strong', null, outlet),
        c.title ? [' — ', el('span', { className: 'title' }, c.title)] : null,
        c.published ? ' · ' + c.published : '');
      var src = c.source || {};
      var foot = el('div', { className: 'meta' },
        el('mark', { className: 'src' }, src.name || 'unnamed source'),
        ' · ' + label(src.kind || 'other') + (src.side ? ' · ' + src.side : '') + ' · ',
        c.cue ? [el('mark', { className: 'cue' }, c.cue), ' · '] : null,
        el('span', { className: 'cert ' + (c.certainty || '') }, c.certainty || ''),
        c.quote ? ' · direct quote' : '');
      claims.appendChild(el('div', { className: 'claim', 'data-article': c.article }, head,
        el('p', { className: 'sentence' }, highlighted(c.sentence, [
          { span: c.source_span, cls: 'src' }, { span: c.cue_span, cls: 'cue' }])),
        foot));
    });
    if (!(d.claims || []).length) claims.appendChild(el('p', { className: 'hint' }, 'No claim carries this story: it is stated without attribution.'));
    box.appendChild(claims);
  }

  function select(id) {
    var previous = state.selected;
    state.selected = id;
    [previous, id].forEach(function (sid) {
      var m = sid && state.markers[sid];
      if (!m) return;
      m.setStyle(markerStyle(m.fwStory, sid === id));
      if (sid === id) {
        m.bringToFront();
        if (markerLayer.hasLayer(m) && !map.getBounds().pad(-0.05).contains(m.getLatLng())) map.panTo(m.getLatLng());
      }
      if (m.getElement()) m.getElement().classList.toggle('selected', sid === id);
    });
    Array.prototype.forEach.call(document.querySelectorAll('#story-list li'), function (li) {
      li.classList.toggle('selected', li.getAttribute('data-story') === id);
    });
    var box = document.getElementById('detail');
    box.setAttribute('data-story', id);
    box.setAttribute('aria-busy', 'true');
    try { history.replaceState(null, '', '#story=' + encodeURIComponent(id)); } catch (e) { /* file:// in some browsers */ }
    state.provider.detail(id).then(function (d) {
      if (state.selected !== id) return;
      renderDetail(d);
      box.setAttribute('data-loaded', id);
      box.removeAttribute('aria-busy');
    }).catch(function (err) {
      clear(box);
      box.appendChild(el('p', { className: 'error' }, 'Could not load story ' + id + ': ' + err.message));
      box.removeAttribute('aria-busy');
    });
  }

  /* ---------- start ---------- */

  function start() {
    var cfg = config();
    state.provider = makeProvider();
    var basemapReady = buildMap(cfg);
    state.provider.stories().then(function (stories) {
      state.stories = stories;
      stories.forEach(function (s) { state.byId[s.id] = s; });
      buildFilters();
      buildTimeline();
      buildMarkers();
      buildPlaceLabels();
      refresh();
      var anchors = markerLayer.getLayers().map(function (m) { return m.fwAnchor; });
      var bounds = anchors.length ? L.latLngBounds(anchors) : null;
      if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.25), { maxZoom: 7, animate: false });
      layoutMarkers();
      var m = /#story=([^&]+)/.exec(window.location.hash);
      if (m && state.byId[decodeURIComponent(m[1])]) select(decodeURIComponent(m[1]));
      return basemapReady;
    }).then(function () {
      document.body.setAttribute('data-ready', 'true');
    }).catch(function (err) {
      document.getElementById('summary').textContent = 'Could not load stories: ' + err.message;
      document.body.setAttribute('data-ready', 'error');
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
