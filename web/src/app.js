/* ecobrain dashboard (一张网): plain JavaScript, ECharts from vendor/.
 *
 * Data: the JSON API of docs/api.md (/api/v1/...), live updates over
 * Server-Sent Events (/api/v1/stream). Times are shown as the API gives them
 * (Beijing time, +08:00); the page never converts them to the browser's zone
 * (the chart uses a category axis of the API's time strings for that reason).
 *
 * window.ecobrain is a small read-only view of the page state for the browser
 * test (tests/e2e/dashboard.mjs) and for anyone poking at the console.
 */
(function () {
  'use strict';

  // ------------------------------------------------------------------ strings
  var I18N = {
    zh: {
      title: '生态环境大脑 · 一张网',
      layer_air: '空气', layer_water: '水质', layer_both: '全部',
      live_connecting: '连接中', live_on: '实时已连接', live_retry: '正在重连', live_off: '未连接',
      last_update: '最近更新', map: '一张网',
      no_coords: '无坐标站点', no_coords_hint: '以下站点缺少经纬度，未画在地图上', none: '无',
      factor: '监测因子', close: '关闭',
      aqi_table: '当前小时空气质量', col_site: '站点', col_city: '城市', col_aqi: 'AQI',
      col_category: '类别', col_primary: '首要污染物',
      alerts: '预警信息', targets: '目标考核', rankings: '城市排名',
      not_configured: '尚未配置', load_failed: '加载失败',
      footer: '时间均为北京时间（UTC+8），按接口原样显示',
      air_sites: '空气站', water_sites: '水质断面', no_data: '暂无数据',
      aqi: 'AQI', category: '类别', primary: '首要污染物', water_class: '水质类别',
      target: '目标', meets: '达标', not_meets: '未达标', worst: '超标/最差因子',
      hour: '时间', click_for_series: '点击查看变化曲线', series_empty: '该因子在所选时段内无小时数据',
      series_loading: '加载中…', last_48h: '最近48小时（小时值）', devices: '设备',
      aqi_legend: 'AQI', water_legend: '水质', na: '无效/缺测',
      alerts_none: '近24小时无预警', alerts_n: '条', rows: '行', sites_n: '个站点',
      cat_map: { '优': '优', '良': '良', '轻度污染': '轻度污染', '中度污染': '中度污染', '重度污染': '重度污染', '严重污染': '严重污染' },
      sev: { high: '高', medium: '中', low: '低' },
      api_error: '接口错误', stream_refused: '实时通道被拒绝，稍后重试',
      lang_button: 'EN'
    },
    en: {
      title: 'ecobrain · one network',
      layer_air: 'Air', layer_water: 'Water', layer_both: 'Both',
      live_connecting: 'connecting', live_on: 'live', live_retry: 'reconnecting', live_off: 'offline',
      last_update: 'last update', map: 'One network',
      no_coords: 'Sites without coordinates', no_coords_hint: 'These sites have no lon/lat and are not on the map', none: 'none',
      factor: 'Factor', close: 'Close',
      aqi_table: 'AQI, current hour', col_site: 'Site', col_city: 'City', col_aqi: 'AQI',
      col_category: 'Category', col_primary: 'Primary pollutant',
      alerts: 'Alerts', targets: 'Targets', rankings: 'City ranking',
      not_configured: 'not configured yet', load_failed: 'failed to load',
      footer: 'Times are Beijing time (UTC+8), shown as the API gives them',
      air_sites: 'air sites', water_sites: 'water sections', no_data: 'no data yet',
      aqi: 'AQI', category: 'Category', primary: 'Primary', water_class: 'Water class',
      target: 'Target', meets: 'meets target', not_meets: 'misses target', worst: 'Worst items',
      hour: 'Time', click_for_series: 'click for its series', series_empty: 'no hourly data for this factor in the period',
      series_loading: 'loading…', last_48h: 'last 48 hours (hourly values)', devices: 'devices',
      aqi_legend: 'AQI', water_legend: 'Water', na: 'invalid / missing',
      alerts_none: 'no alerts in the last 24 h', alerts_n: '', rows: 'rows', sites_n: 'sites',
      cat_map: { '优': 'Good', '良': 'Moderate', '轻度污染': 'Lightly polluted', '中度污染': 'Moderately polluted',
                 '重度污染': 'Heavily polluted', '严重污染': 'Severely polluted' },
      sev: { high: 'high', medium: 'medium', low: 'low' },
      api_error: 'API error', stream_refused: 'live stream refused, retrying later',
      lang_button: '中文'
    }
  };
  var CITY_EN = {
    '杭州市': 'Hangzhou', '宁波市': 'Ningbo', '温州市': 'Wenzhou', '嘉兴市': 'Jiaxing', '湖州市': 'Huzhou',
    '绍兴市': 'Shaoxing', '金华市': 'Jinhua', '衢州市': 'Quzhou', '舟山市': 'Zhoushan', '台州市': 'Taizhou',
    '丽水市': 'Lishui'
  };
  // HJ 212 factor codes the dashboard names; others are shown by their code.
  var FACTORS = {
    a34004: ['PM2.5', 'PM2.5', 'μg/m³'], a34002: ['PM10', 'PM10', 'μg/m³'],
    a21026: ['SO₂', 'SO₂', 'μg/m³'], a21004: ['NO₂', 'NO₂', 'μg/m³'],
    a05024: ['O₃', 'O₃', 'μg/m³'], a21005: ['CO', 'CO', 'mg/m³'],
    w01001: ['pH', 'pH', ''], w01009: ['溶解氧', 'DO', 'mg/L'], w01019: ['高锰酸盐指数', 'CODMn', 'mg/L'],
    w01018: ['化学需氧量', 'COD', 'mg/L'], w21003: ['氨氮', 'NH₃-N', 'mg/L'], w21011: ['总磷', 'TP', 'mg/L'],
    w21001: ['总氮', 'TN', 'mg/L'], w01010: ['水温', 'Water temp.', '℃']
  };
  var FACTOR_ORDER = Object.keys(FACTORS);
  // Legends only (the points take the colour the API gives): HJ 633 levels, water classes of docs/api.md.
  var AQI_LEGEND = [['0–50', '#00E400'], ['51–100', '#FFFF00'], ['101–150', '#FF7E00'],
                    ['151–200', '#FF0000'], ['201–300', '#99004C'], ['>300', '#7E0023']];
  var WATER_LEGEND = [['Ⅰ', '#CCFFFF'], ['Ⅱ', '#00CCFF'], ['Ⅲ', '#00FF00'], ['Ⅳ', '#FFFF00'], ['Ⅴ', '#FF9900'], ['劣Ⅴ', '#FF0000']];
  var GREY = '#9E9E9E';
  var LANG_KEY = 'ecobrain.lang';
  var HOUR_MS = 3600 * 1000;

  // ------------------------------------------------------------------ state
  var state = {
    lang: 'zh', layer: 'both', sortDesc: true,
    sites: new Map(),   // code -> /sites entry (catalogue)
    air: new Map(),     // code -> /aqi/latest entry
    water: new Map(),   // code -> /water/latest entry
    alerts: [],
    selected: null,     // site code of the detail panel
    factor: null,
    series: new Map(),  // mn -> Map(time -> value), the detail chart's data
    targets: null, rankings: null,
    lastUpdate: null, live: 'connecting',
    es: null, esRetry: null, waterTimer: null
  };
  var eb = window.ecobrain = {
    ready: false, lang: 'zh', layer: 'both',
    airPoints: 0, waterPoints: 0, coloredPoints: 0, greyPoints: 0, noCoords: 0,
    aqiRows: 0, alerts: 0, live: 'connecting', sseEvents: 0, sseByType: {}, updates: 0,
    lastUpdate: null, selected: null, factor: null, chartPoints: 0,
    targets: 'pending', rankings: 'pending', apiErrors: [],
    sitePixel: function (code) { return sitePixel(code); }
  };

  var $ = function (id) { return document.getElementById(id); };
  function t(key) { var d = I18N[state.lang]; return key in d ? d[key] : I18N.zh[key]; }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function cityName(c) { return state.lang === 'en' && CITY_EN[c] ? CITY_EN[c] : (c || ''); }
  function factorName(code) {
    var f = FACTORS[code];
    return f ? (state.lang === 'en' ? f[1] : f[0]) : code;
  }
  function factorUnit(code) { var f = FACTORS[code]; return f ? f[2] : ''; }
  // The API's category is Chinese; it also sends category_en (not in docs/api.md yet), used when present.
  function category(c, en) {
    if (c == null) return '—';
    if (state.lang === 'en' && en) return en;
    var m = t('cat_map'); return m[c] || c;
  }
  // "2026-11-28T19:00:00+08:00" -> "2026-11-28 19:00" (as given, no zone conversion)
  function showTime(s, withSeconds) {
    if (!s) return '—';
    var m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?/.exec(s);
    return m ? m[1] + ' ' + m[2] + (withSeconds && m[3] ? m[3] : '') : s;
  }
  function shortTime(s) { var m = /^\d{4}-(\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(s || ''); return m ? m[1] + ' ' + m[2] : s; }
  // Beijing wall-clock string of an instant, by arithmetic (UTC+8, no DST), not the browser's zone.
  function beijing(ms) { return new Date(ms + 8 * HOUR_MS).toISOString().slice(0, 19) + '+08:00'; }
  function hasCoords(e) { return e && typeof e.lon === 'number' && typeof e.lat === 'number' && isFinite(e.lon) && isFinite(e.lat); }
  function setStatus(msg) { $('status').textContent = msg || ''; }

  // ------------------------------------------------------------------ API
  // A read token, when the server wants one ([http] read_token_sha256): opened as
  // http://HOST/#token=TOKEN it is kept for this tab only (sessionStorage) and the fragment
  // cleared, so it never reaches a server log or the address bar's history.
  var token = (function () {
    var m = /(?:^#|&)token=([^&]+)/.exec(location.hash || '');
    try {
      if (m) {
        sessionStorage.setItem('ecobrain.token', decodeURIComponent(m[1]));
        history.replaceState(null, '', location.pathname + location.search);
      }
      return sessionStorage.getItem('ecobrain.token') || '';
    } catch (e) { return m ? decodeURIComponent(m[1]) : ''; }
  })();
  // Resolves to {status, data}; never rejects (network errors give status 0).
  function api(path) {
    var headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(path, { headers: headers, cache: 'no-store' }).then(function (r) {
      var ct = r.headers.get('Content-Type') || '';
      if (ct.indexOf('json') < 0) return { status: r.status, data: null };
      return r.json().then(function (d) { return { status: r.status, data: d }; },
                           function () { return { status: r.status, data: null }; });
    }, function () { return { status: 0, data: null }; });
  }
  function apiOk(path, what) {
    return api(path).then(function (r) {
      if (r.status === 200 && r.data) return r.data;
      var msg = t('api_error') + ': ' + what + ' (HTTP ' + r.status + (r.data && r.data.error ? ' ' + r.data.error : '') + ')';
      eb.apiErrors.push(msg);
      setStatus(msg);
      return null;
    });
  }
  function qs(params) {
    var u = new URLSearchParams();
    Object.keys(params).forEach(function (k) { if (params[k] != null && params[k] !== '') u.set(k, params[k]); });
    return u.toString();
  }

  // ------------------------------------------------------------------ map
  var map = null, chart = null;

  function pointData(kind) {
    var src = kind === 'air' ? state.air : state.water;
    var out = [];
    state.sites.forEach(function (s, code) {
      if (s.kind !== kind || src.has(code)) return;
      if (hasCoords(s)) out.push({ name: s.name || code, site: code, kind: kind, value: [s.lon, s.lat, null],
                                   itemStyle: { color: GREY }, nodata: true });
    });
    src.forEach(function (e, code) {
      var cat = state.sites.get(code);
      var lon = hasCoords(e) ? e.lon : (hasCoords(cat) ? cat.lon : null);
      var lat = hasCoords(e) ? e.lat : (hasCoords(cat) ? cat.lat : null);
      if (lon == null) return;
      var v = kind === 'air' ? e.aqi : e['class'];
      out.push({ name: e.name || code, site: code, kind: kind, value: [lon, lat, v == null ? null : v],
                 itemStyle: { color: e.color || GREY } });
    });
    return out;
  }

  function noCoordSites() {
    var out = [];
    function add(kind, e, code) {
      var cat = state.sites.get(code);
      if (hasCoords(e) || hasCoords(cat)) return;
      out.push({ kind: kind, code: code, name: (e && e.name) || (cat && cat.name) || code,
                 city: (e && e.city) || (cat && cat.city) || '', color: (e && e.color) || GREY });
    }
    if (state.layer !== 'water') {
      state.air.forEach(function (e, c) { add('air', e, c); });
      state.sites.forEach(function (s, c) { if (s.kind === 'air' && !state.air.has(c)) add('air', null, c); });
    }
    if (state.layer !== 'air') {
      state.water.forEach(function (e, c) { add('water', e, c); });
      state.sites.forEach(function (s, c) { if (s.kind === 'water' && !state.water.has(c)) add('water', null, c); });
    }
    return out;
  }

  function tooltip(p) {
    if (p.componentType !== 'series' || !p.data) return esc(p.name);
    var d = p.data, code = d.site;
    var lines = ['<b>' + esc(d.name) + '</b> <span style="opacity:.7">' + esc(code) + '</span>'];
    if (d.kind === 'air') {
      var e = state.air.get(code);
      if (!e) lines.push(t('no_data'));
      else {
        lines.push(esc(cityName(e.city)) + ' · ' + esc(showTime(e.time)));
        lines.push(t('aqi') + ': <b>' + (e.aqi == null ? '—' : e.aqi) + '</b> ' + esc(category(e.category, e.category_en)));
        if (e.primary) lines.push(t('primary') + ': ' + esc(e.primary));
      }
    } else {
      var w = state.water.get(code);
      if (!w) lines.push(t('no_data'));
      else {
        lines.push(esc(cityName(w.city)) + ' · ' + esc(showTime(w.time)));
        lines.push(t('water_class') + ': <b>' + esc(w.class_label || '—') + '</b>' +
                   (w.target ? ' · ' + t('target') + ' ' + esc(w.target) + ' · ' + (w.meets ? t('meets') : t('not_meets')) : ''));
        if (w.worst && w.worst.length) lines.push(t('worst') + ': ' + esc(w.worst.join(', ')));
      }
    }
    lines.push('<span style="opacity:.7">' + t('click_for_series') + '</span>');
    return lines.join('<br>');
  }

  function geoNameMap() {
    if (state.lang !== 'en') return {};
    return CITY_EN;
  }

  function renderMap() {
    if (!map) return;
    var air = state.layer !== 'water' ? pointData('air') : [];
    var water = state.layer !== 'air' ? pointData('water') : [];
    map.setOption({
      geo: { nameMap: geoNameMap() },
      series: [
        { id: 'air', name: t('air_sites'), data: air },
        { id: 'water', name: t('water_sites'), data: water }
      ]
    });
    var all = air.concat(water);
    eb.airPoints = air.length;
    eb.waterPoints = water.length;
    eb.coloredPoints = all.filter(function (d) { return d.itemStyle.color !== GREY; }).length;
    eb.greyPoints = all.length - eb.coloredPoints;
    $('map-summary').textContent = (state.layer !== 'water' ? t('air_sites') + ' ' + air.length : '') +
      (state.layer === 'both' ? ' · ' : '') + (state.layer !== 'air' ? t('water_sites') + ' ' + water.length : '');
    renderNoCoords();
  }

  function renderNoCoords() {
    var list = noCoordSites();
    eb.noCoords = list.length;
    var ul = $('nocoords-list');
    if (!list.length) { ul.innerHTML = '<li class="empty">' + esc(t('none')) + '</li>'; return; }
    ul.innerHTML = list.map(function (s) {
      return '<li data-site="' + esc(s.code) + '" title="' + esc(s.code) + '"><span class="swatch" style="background:' +
        esc(s.color) + '"></span>' + esc(s.name) + ' <span class="muted">' + esc(cityName(s.city)) + '</span></li>';
    }).join('');
  }

  function renderLegend() {
    var html = '';
    if (state.layer !== 'water') {
      html += '<span><b>' + t('aqi_legend') + '</b></span>' + AQI_LEGEND.map(function (l) {
        return '<span><i class="swatch" style="background:' + l[1] + '"></i>' + l[0] + '</span>';
      }).join('');
    }
    if (state.layer !== 'air') {
      html += '<span><b>' + t('water_legend') + '</b></span>' + WATER_LEGEND.map(function (l) {
        return '<span><i class="swatch" style="background:' + l[1] + ';border-radius:2px"></i>' + l[0] + '</span>';
      }).join('');
    }
    html += '<span><i class="swatch" style="background:' + GREY + '"></i>' + t('na') + '</span>';
    $('legend').innerHTML = html;
  }

  function initMap(geojson) {
    echarts.registerMap('zhejiang', geojson);
    map = echarts.init($('map'));
    map.setOption({
      backgroundColor: 'transparent',
      tooltip: { trigger: 'item', formatter: tooltip, confine: true },
      geo: {
        map: 'zhejiang', roam: true, layoutCenter: ['50%', '50%'], layoutSize: '95%',
        label: { show: true, color: '#9fb6cf', fontSize: 11 },
        itemStyle: { areaColor: '#1d3550', borderColor: '#4b6f96', borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: '#25456a' }, label: { color: '#ffffff' } },
        select: { disabled: true }, tooltip: { show: false }
      },
      series: [
        { id: 'air', type: 'scatter', coordinateSystem: 'geo', symbol: 'circle', symbolSize: 13, z: 3,
          itemStyle: { borderColor: '#10243a', borderWidth: 1 }, emphasis: { scale: 1.6 }, data: [] },
        { id: 'water', type: 'scatter', coordinateSystem: 'geo', symbol: 'diamond', symbolSize: 14, z: 4,
          itemStyle: { borderColor: '#10243a', borderWidth: 1 }, emphasis: { scale: 1.6 }, data: [] }
      ]
    });
    map.on('click', function (p) {
      if (p.componentType === 'series' && p.data && p.data.site) selectSite(p.data.site);
    });
  }

  function sitePixel(code) {
    if (!map) return null;
    var pts = pointData('air').concat(pointData('water'));
    for (var i = 0; i < pts.length; i++) {
      if (pts[i].site !== code) continue;
      var px = map.convertToPixel({ geoIndex: 0 }, [pts[i].value[0], pts[i].value[1]]);
      var r = $('map').getBoundingClientRect();
      return px ? [r.left + px[0], r.top + px[1]] : null;
    }
    return null;
  }

  // ------------------------------------------------------------------ AQI table
  function renderTable(flashCode) {
    var rows = Array.from(state.air.values());
    rows.sort(function (a, b) {
      if (a.aqi == null && b.aqi == null) return String(a.site).localeCompare(String(b.site));
      if (a.aqi == null) return 1;
      if (b.aqi == null) return -1;
      return state.sortDesc ? b.aqi - a.aqi : a.aqi - b.aqi;
    });
    var hour = rows.reduce(function (m, r) { return r.time && r.time > m ? r.time : m; }, '');
    $('aqi-hour').textContent = hour ? showTime(hour) : '';
    $('sort-mark').textContent = state.sortDesc ? '▼' : '▲';
    eb.aqiRows = rows.length;
    var tb = $('aqi-table').tBodies[0];
    if (!rows.length) { tb.innerHTML = '<tr><td colspan="5" class="muted">' + esc(t('no_data')) + '</td></tr>'; return; }
    tb.innerHTML = rows.map(function (r) {
      var badge = r.aqi == null ? '<span class="aqi-badge na">—</span>'
        : '<span class="aqi-badge" style="background:' + esc(r.color || GREY) + '">' + r.aqi + '</span>';
      var stale = hour && r.time !== hour;
      return '<tr data-site="' + esc(r.site) + '"' +
        (r.site === state.selected ? ' class="sel"' : '') + ' title="' + esc(r.site + ' · ' + showTime(r.time)) + '">' +
        '<td><span class="trunc">' + esc(r.name || r.site) + '</span></td><td>' + esc(cityName(r.city)) + '</td>' +
        '<td class="num">' + badge + '</td><td' + (stale ? ' class="muted"' : '') + '>' + esc(category(r.category, r.category_en)) +
        (stale ? ' <span class="small stale" title="' + esc(showTime(r.time)) + '">(' + esc(r.time.slice(11, 16)) + ')</span>' : '') + '</td>' +
        '<td>' + esc(r.primary || '—') + '</td></tr>';
    }).join('');
    if (flashCode) {
      var tr = tb.querySelector('tr[data-site="' + CSS.escape(flashCode) + '"]');
      if (tr) tr.classList.add('flash');
    }
  }

  // ------------------------------------------------------------------ alerts
  function renderAlerts(newIds) {
    var ul = $('alerts');
    eb.alerts = state.alerts.length;
    $('alerts-count').textContent = state.alerts.length ? state.alerts.length + ' ' + t('alerts_n') : '';
    if (!state.alerts.length) { ul.innerHTML = '<li class="empty">' + esc(t('alerts_none')) + '</li>'; return; }
    ul.innerHTML = state.alerts.map(function (a) {
      var s = state.sites.get(a.site);
      var sev = t('sev')[a.severity] || a.severity || '';
      return '<li' + (newIds && newIds.has(a.id) ? ' class="new"' : '') + ' data-site="' + esc(a.site || '') + '">' +
        '<span class="sev ' + esc(a.severity || '') + '">' + esc(sev) + '</span>' +
        '<b>' + esc(a.screen || '') + '</b> · ' + esc(s && s.name ? s.name : a.site || a.mn || '') +
        (a.factor ? ' · ' + esc(factorName(a.factor)) : '') +
        ' <span class="muted">' + esc(showTime(a.time)) + '</span>' +
        (a.evidence ? '<span class="ev" title="' + esc(a.evidence) + '">' + esc(a.evidence) + '</span>' : '') + '</li>';
    }).join('');
  }
  function addAlert(a) {
    if (a.id != null && state.alerts.some(function (x) { return x.id === a.id; })) return;
    state.alerts.unshift(a);
    state.alerts.sort(function (x, y) {       // newest first: time, then id
      if (x.time !== y.time) return x.time < y.time ? 1 : -1;
      return (y.id || 0) - (x.id || 0);
    });
    if (state.alerts.length > 200) state.alerts.length = 200;
    renderAlerts(new Set([a.id]));
  }

  // ------------------------------------------------------------------ targets / rankings (frame)
  function firstArray(d, key) {
    if (!d || typeof d !== 'object') return null;
    if (Array.isArray(d[key])) return d[key];
    for (var k in d) if (Array.isArray(d[k])) return d[k];
    return Array.isArray(d) ? d : null;
  }
  var gaugeCharts = [];
  function renderFrame(which) {
    var r = state[which], el = $(which);
    gaugeCharts.forEach(function (g) { if (which === 'targets') g.dispose(); });
    if (which === 'targets') gaugeCharts = [];
    if (!r) { el.innerHTML = ''; return; }
    if (r.status === 404) {
      el.innerHTML = '<div class="placeholder">' + esc(t('not_configured')) + '</div>';
      eb[which] = 'not_configured';
      return;
    }
    if (r.status !== 200 || !r.data) {
      el.innerHTML = '<div class="placeholder">' + esc(t('load_failed')) + ' (HTTP ' + r.status + ')</div>';
      eb[which] = 'error';
      return;
    }
    eb[which] = 'ok';
    var rows = firstArray(r.data, which) || [];
    if (!rows.length) { el.innerHTML = '<div class="placeholder">' + esc(t('no_data')) + '</div>'; return; }
    var num = function (x) { return typeof x.value === 'number' && typeof x.target === 'number'; };
    if (which === 'targets' && rows.some(num)) {
      // Gauges: value against target for the entries that carry both, air and water alike (the others —
      // no data, not evaluated — are listed under them). Green is the side of the target the plan asks for
      // (below for "<", above for ">="); the figure is coloured by status.
      var gauges = rows.filter(num), rest = rows.filter(function (x) { return !num(x); });
      var stColour = { on_track: '#2ecc71', met: '#2ecc71', at_risk: '#f39c12', missed: '#e74c3c' };
      el.innerHTML = '<div class="gauges">' + gauges.map(function (_, i) { return '<div class="gauge" id="gauge-' + i + '"></div>'; }).join('') + '</div>' +
        (rest.length ? '<table class="tbl"><tbody>' + rest.map(function (x) {
          return '<tr><td>' + esc(x.name || x.indicator || '') + '</td><td>' + esc(x.status_text || x.status || '—') + '</td></tr>';
        }).join('') + '</tbody></table>' : '');
      gauges.forEach(function (x, i) {
        var g = echarts.init($('gauge-' + i));
        var max = Math.max(x.target * 1.5, x.value * 1.1, 1);
        var upper = x.comparator !== '>' && x.comparator !== '>=';
        var zones = upper ? [[x.target / max, '#2ecc71'], [1, '#e74c3c']] : [[x.target / max, '#e74c3c'], [1, '#2ecc71']];
        g.setOption({ series: [{ type: 'gauge', min: 0, max: +max.toPrecision(2), radius: '90%',
          axisLine: { lineStyle: { width: 8, color: zones } },
          axisLabel: { show: false }, splitLine: { length: 6 }, axisTick: { show: false },
          pointer: { width: 3 }, title: { color: '#8da3bd', fontSize: 11, offsetCenter: [0, '70%'] },
          detail: { color: stColour[x.status] || '#e6eef7', fontSize: 14, offsetCenter: [0, '40%'] },
          data: [{ value: x.value, name: String(x.name || x.label || x.entity || x.indicator || '') }] }] });
        gaugeCharts.push(g);
      });
      return;
    }
    if (which === 'rankings') {
      // GET /api/v1/rankings: rank, city, the index as published, the change against a year earlier.
      var d = r.data, en = state.lang === 'en';
      var dec = { composite: 2, 'composite-change': 1, pm2_5: 0, 'good-days': 1 }[d.index];
      var vname = { composite: en ? 'Composite index' : '综合指数',
                    'composite-change': en ? 'Change of the composite index (%)' : '综合指数变化率（%）',
                    pm2_5: en ? 'PM2.5 (µg/m³)' : 'PM2.5（µg/m³）', 'good-days': en ? 'Good days (%)' : '优良天数比例（%）' }[d.index] || d.title || '';
      var head = [en ? 'Rank' : '排名', d.by === 'city' || !d.by ? (en ? 'City' : '城市') : (en ? 'Name' : '名称'), vname,
                  d.index === 'composite-change' ? (en ? 'Change rank' : '变化排名') : (en ? 'Change vs a year earlier (%)' : '同比变化（%）')];
      var fix = function (v, n) { return typeof v === 'number' ? v.toFixed(n == null ? 1 : n) : '—'; };
      var sign = function (v) { return typeof v === 'number' ? (v > 0 ? '+' : '') + v.toFixed(1) : '—'; };
      el.innerHTML = '<table class="tbl"><caption>' + esc((en ? 'Period ' : '时段 ') + (d.period || '')) + '</caption><thead><tr>' +
        head.map(function (c) { return '<th>' + esc(c) + '</th>'; }).join('') + '</tr></thead><tbody>' +
        rows.map(function (x) {
          var last = d.index === 'composite-change' ? (x.change_rank == null ? '—' : x.change_rank) : sign(x.change);
          return '<tr><td>' + esc(x.rank == null ? '—' : x.rank) + '</td><td>' + esc(cityName(x.entity)) + '</td><td>' +
            esc(fix(x.value, dec)) + '</td><td>' + esc(last) + '</td></tr>';
        }).join('') + '</tbody></table>';
      return;
    }
    // Anything else: a table of the scalar fields.
    var cols = Object.keys(rows[0]).filter(function (k) { var v = rows[0][k]; return v == null || typeof v !== 'object'; }).slice(0, 8);
    el.innerHTML = '<table class="tbl"><thead><tr>' + cols.map(function (c) { return '<th>' + esc(c) + '</th>'; }).join('') +
      '</tr></thead><tbody>' + rows.map(function (x) {
        return '<tr>' + cols.map(function (c) { return '<td>' + esc(x[c] == null ? '—' : x[c]) + '</td>'; }).join('') + '</tr>';
      }).join('') + '</tbody></table>';
  }
  function loadFrames() {
    var path = { targets: '/api/v1/targets', rankings: '/api/v1/rankings?by=city&index=composite' };
    ['targets', 'rankings'].forEach(function (which) {
      api(path[which]).then(function (r) { state[which] = r; renderFrame(which); });
    });
  }

  // ------------------------------------------------------------------ detail panel
  function siteInfo(code) {
    var a = state.air.get(code), w = state.water.get(code), s = state.sites.get(code);
    return { kind: a ? 'air' : w ? 'water' : (s && s.kind) || '', entry: a || w || null, cat: s || null,
             name: (a && a.name) || (w && w.name) || (s && s.name) || code };
  }
  function renderDetailHead() {
    if (!state.selected) return;
    var i = siteInfo(state.selected), e = i.entry;
    $('detail-title').textContent = i.name + ' (' + state.selected + ')';
    var parts = [];
    var city = (e && e.city) || (i.cat && i.cat.city);
    if (city) parts.push(cityName(city));
    if (e && i.kind === 'air') parts.push(t('aqi') + ' ' + (e.aqi == null ? '—' : e.aqi) + ' ' + category(e.category, e.category_en) + ' · ' + showTime(e.time));
    if (e && i.kind === 'water') parts.push(t('water_class') + ' ' + (e.class_label || '—') + ' · ' + showTime(e.time));
    parts.push(t('last_48h'));
    $('detail-info').textContent = parts.join(' · ');
  }

  function selectSite(code) {
    state.selected = code;
    eb.selected = code;
    eb.chartPoints = 0;
    $('detail').hidden = false;
    renderDetailHead();
    Array.prototype.forEach.call(document.querySelectorAll('#aqi-table tbody tr'), function (tr) {
      tr.classList.toggle('sel', tr.getAttribute('data-site') === code);
    });
    if (!chart) chart = echarts.init($('chart'));
    chart.resize();
    var sel = $('factor');
    sel.innerHTML = '';
    showChartMessage(t('series_loading'));
    api('/api/v1/latest?' + qs({ site: code })).then(function (r) {
      if (state.selected !== code) return;
      var rows = (r.status === 200 && r.data && r.data.rows) || [];
      var hourly = rows.filter(function (x) { return x.granularity === 'hour'; });
      var use = hourly.length ? hourly : rows;
      var latest = {};
      use.forEach(function (x) { if (!latest[x.factor] || x.time > latest[x.factor]) latest[x.factor] = x.time; });
      var factors = Object.keys(latest).sort(function (a, b) {
        var ia = FACTOR_ORDER.indexOf(a), ib = FACTOR_ORDER.indexOf(b);
        return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib) || a.localeCompare(b);
      });
      state.latestTimes = latest;
      sel.innerHTML = factors.map(function (f) {
        return '<option value="' + esc(f) + '">' + esc(factorName(f)) + (factorUnit(f) ? ' (' + esc(factorUnit(f)) + ')' : '') + '</option>';
      }).join('');
      if (!factors.length) { showChartMessage(t('no_data')); return; }
      var keep = state.factor && factors.indexOf(state.factor) >= 0 ? state.factor : factors[0];
      sel.value = keep;
      loadSeries(code, keep);
    });
  }

  function showChartMessage(msg) {
    $('chart-empty').textContent = msg;
    $('chart-empty').hidden = !msg;
  }

  function loadSeries(code, factor) {
    state.factor = factor;
    eb.factor = factor;
    state.series = new Map();
    var last = (state.latestTimes && state.latestTimes[factor]) || null;
    var lastMs = last ? Date.parse(last) : Date.now();
    var from = beijing(lastMs - 48 * HOUR_MS);
    var pages = 0;
    function page(after) {
      var q = { site: code, factor: factor, granularity: 'hour', from: from, limit: 1000, after: after };
      return api('/api/v1/series?' + qs(q)).then(function (r) {
        if (state.selected !== code || state.factor !== factor) return;
        if (r.status !== 200 || !r.data) { showChartMessage(t('load_failed') + ' (HTTP ' + r.status + ')'); return; }
        (r.data.rows || []).forEach(addSeriesRow);
        if (r.data.next && ++pages < 10) return page(r.data.next);
        renderChart();
      });
    }
    page(null);
  }

  function addSeriesRow(x) {
    var key = x.mn || x.site;
    if (!state.series.has(key)) state.series.set(key, new Map());
    state.series.get(key).set(x.time, x.value);
  }

  function renderChart() {
    if (!chart || !state.selected) return;
    var times = new Set();
    state.series.forEach(function (m) { m.forEach(function (_, tm) { times.add(tm); }); });
    var axis = Array.from(times).sort();   // same +08:00 offset: string order is time order
    var n = 0;
    var series = Array.from(state.series.keys()).sort().map(function (mn) {
      var m = state.series.get(mn);
      var data = axis.map(function (tm) { var v = m.has(tm) ? m.get(tm) : null; if (v != null) n++; return v; });
      return { name: mn, type: 'line', data: data, showSymbol: axis.length < 80, symbolSize: 5, connectNulls: false,
               lineStyle: { width: 2 }, smooth: false };
    });
    eb.chartPoints = n;
    showChartMessage(n ? '' : t('series_empty'));
    var unit = factorUnit(state.factor);
    chart.setOption({
      backgroundColor: 'transparent', animation: false,
      color: ['#3fa7ff', '#f5b041', '#2ecc71', '#e74c3c', '#9b59b6'],
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return v == null ? '—' : v + (unit ? ' ' + unit : ''); } },
      legend: { show: series.length > 1, textStyle: { color: '#8da3bd' }, top: 0 },
      grid: { left: 50, right: 16, top: series.length > 1 ? 28 : 14, bottom: 30 },
      xAxis: { type: 'category', data: axis, boundaryGap: false,
               axisLabel: { color: '#8da3bd', formatter: function (v) { return shortTime(v); } },
               axisLine: { lineStyle: { color: '#2a4463' } } },
      yAxis: { type: 'value', scale: true, name: unit, nameTextStyle: { color: '#8da3bd' },
               axisLabel: { color: '#8da3bd' }, splitLine: { lineStyle: { color: '#223a56' } } },
      series: series
    }, { notMerge: true });
  }

  function closeDetail() {
    state.selected = null; state.factor = null; eb.selected = null; eb.chartPoints = 0;
    $('detail').hidden = true;
    Array.prototype.forEach.call(document.querySelectorAll('#aqi-table tbody tr.sel'), function (tr) { tr.classList.remove('sel'); });
  }

  // ------------------------------------------------------------------ loading
  function loadSites() {
    return Promise.all(['air', 'water'].map(function (k) {
      return apiOk('/api/v1/sites?' + qs({ kind: k }), 'sites').then(function (d) {
        ((d && d.sites) || []).forEach(function (s) { state.sites.set(s.code, s); });
      });
    }));
  }
  function loadAir() {
    return apiOk('/api/v1/aqi/latest', 'aqi/latest').then(function (d) {
      if (!d) return;
      state.air = new Map();
      (d.sites || []).forEach(function (e) { state.air.set(e.site, e); });
    });
  }
  function loadWater() {
    return apiOk('/api/v1/water/latest', 'water/latest').then(function (d) {
      if (!d) return;
      state.water = new Map();
      (d.sites || []).forEach(function (e) { state.water.set(e.site, e); });
    });
  }
  function loadAlerts() {
    return apiOk('/api/v1/alerts?' + qs({ limit: 200 }), 'alerts').then(function (d) {
      if (!d) return;
      state.alerts = (d.alerts || []).slice();
    });
  }
  function loadAll() {
    return Promise.all([loadSites(), loadAir(), loadWater(), loadAlerts()]).then(function () {
      renderMap(); renderTable(); renderAlerts();
      if (state.selected) { renderDetailHead(); if (state.factor) loadSeries(state.selected, state.factor); }
    });
  }

  // ------------------------------------------------------------------ live (SSE)
  function setLive(s) {
    state.live = s; eb.live = s;
    $('live-dot').className = 'dot ' + (s === 'on' ? 'on' : s === 'retry' ? 'retry' : 'off');
    $('live-text').textContent = t(s === 'on' ? 'live_on' : s === 'retry' ? 'live_retry' : s === 'off' ? 'live_off' : 'live_connecting');
  }
  function touched() {
    state.lastUpdate = beijing(Date.now());
    eb.lastUpdate = state.lastUpdate;
    eb.updates++;
    $('last-update').textContent = state.lastUpdate.slice(11, 19);
    $('last-update').title = showTime(state.lastUpdate, true) + ' (UTC+8)';
  }
  function parse(ev) { try { return JSON.parse(ev.data); } catch (e) { return null; } }
  function counted(type, fn) {
    return function (ev) {
      eb.sseEvents++;
      eb.sseByType[type] = (eb.sseByType[type] || 0) + 1;
      if (state.live !== 'on') setLive('on');
      var d = parse(ev);
      if (d) fn(d);
    };
  }
  function refreshWaterSoon() {
    if (state.waterTimer) return;
    state.waterTimer = setTimeout(function () {
      state.waterTimer = null;
      loadWater().then(function () { renderMap(); if (state.selected) renderDetailHead(); touched(); });
    }, 3000);
  }
  function connect() {
    if (typeof EventSource === 'undefined') { setLive('off'); return; }
    /* EventSource cannot send headers: the stream takes the token as a parameter (docs/api.md) */
    var es = state.es = new EventSource('/api/v1/stream' + (token ? '?access_token=' + encodeURIComponent(token) : ''));
    es.onopen = function () { setLive('on'); };
    es.onerror = function () {
      if (es.readyState === EventSource.CLOSED) {
        // Refused (503 too many clients, or not a stream): the browser gives up, so do we, for a while.
        setLive('retry');
        setStatus(t('stream_refused'));
        es.close();
        clearTimeout(state.esRetry);
        state.esRetry = setTimeout(connect, 10000);
      } else {
        setLive('retry');   // the browser reconnects by itself, with Last-Event-ID
      }
    };
    es.addEventListener('hello', counted('hello', function () { setStatus(''); }));
    es.addEventListener('aqi', counted('aqi', function (e) {
      if (!e.site) return;
      var had = state.air.get(e.site);
      if (had && had.time && e.time && e.time < had.time) return;   // an older hour (revised) is not the latest
      state.air.set(e.site, e);
      renderMap(); renderTable(e.site);
      if (state.selected === e.site) renderDetailHead();
      touched();
    }));
    es.addEventListener('value', counted('value', function (v) {
      var s = state.sites.get(v.site);
      if (s && s.kind === 'water' && v.granularity === 'hour') refreshWaterSoon();
      if (state.selected && v.site === state.selected && v.factor === state.factor && v.granularity === 'hour') {
        addSeriesRow(v);
        renderChart();
      }
      if (state.latestTimes && v.site === state.selected && v.granularity === 'hour' &&
          (!state.latestTimes[v.factor] || v.time > state.latestTimes[v.factor])) state.latestTimes[v.factor] = v.time;
      touched();
    }));
    es.addEventListener('alert', counted('alert', function (a) { addAlert(a); touched(); }));
    es.addEventListener('reset', counted('reset', function () { loadAll().then(touched); }));
  }

  // ------------------------------------------------------------------ language / layer
  function applyLang() {
    var d = I18N[state.lang];
    document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
    document.title = d.title;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-title]'), function (el) {
      el.title = t(el.getAttribute('data-i18n-title'));
    });
    $('lang').textContent = d.lang_button;
    eb.lang = state.lang;
    setLive(state.live);
    if (state.lastUpdate) $('last-update').textContent = state.lastUpdate.slice(11, 19);
    renderLegend(); renderMap(); renderTable(); renderAlerts();
    renderFrame('targets'); renderFrame('rankings');
    if (state.selected) {
      renderDetailHead();
      var sel = $('factor');
      Array.prototype.forEach.call(sel.options, function (o) {
        o.textContent = factorName(o.value) + (factorUnit(o.value) ? ' (' + factorUnit(o.value) + ')' : '');
      });
    }
  }
  function setLayer(l) {
    state.layer = l; eb.layer = l;
    Array.prototype.forEach.call(document.querySelectorAll('.layers button'), function (b) {
      b.classList.toggle('on', b.getAttribute('data-layer') === l);
    });
    renderLegend(); renderMap();
  }

  // ------------------------------------------------------------------ wiring
  function storedLang() {
    try { var v = window.localStorage.getItem(LANG_KEY); return v === 'en' || v === 'zh' ? v : null; } catch (e) { return null; }
  }
  function storeLang(v) { try { window.localStorage.setItem(LANG_KEY, v); } catch (e) { /* private mode: not kept */ } }

  function wire() {
    $('lang').addEventListener('click', function () {
      state.lang = state.lang === 'zh' ? 'en' : 'zh';
      storeLang(state.lang);
      applyLang();
    });
    Array.prototype.forEach.call(document.querySelectorAll('.layers button'), function (b) {
      b.addEventListener('click', function () { setLayer(b.getAttribute('data-layer')); });
    });
    $('sort-aqi').addEventListener('click', function () { state.sortDesc = !state.sortDesc; renderTable(); });
    $('aqi-table').tBodies[0].addEventListener('click', function (ev) {
      var tr = ev.target.closest('tr[data-site]');
      if (tr) selectSite(tr.getAttribute('data-site'));
    });
    $('nocoords-list').addEventListener('click', function (ev) {
      var li = ev.target.closest('li[data-site]');
      if (li) selectSite(li.getAttribute('data-site'));
    });
    $('alerts').addEventListener('click', function (ev) {
      var li = ev.target.closest('li[data-site]');
      if (li && li.getAttribute('data-site')) selectSite(li.getAttribute('data-site'));
    });
    $('factor').addEventListener('change', function () { if (state.selected) loadSeries(state.selected, $('factor').value); });
    $('detail-close').addEventListener('click', closeDetail);
    window.addEventListener('resize', function () {
      if (map) map.resize();
      if (chart) chart.resize();
      gaugeCharts.forEach(function (g) { g.resize(); });
    });
  }

  function start() {
    state.lang = storedLang() || 'zh';
    wire();
    applyLang();
    fetch('vendor/zhejiang.json').then(function (r) { return r.ok ? r.json() : null; }).then(function (geo) {
      if (!geo) { setStatus(t('load_failed') + ': vendor/zhejiang.json'); return; }
      initMap(geo);
      return loadAll();
    }, function () { setStatus(t('load_failed') + ': vendor/zhejiang.json'); }).then(function () {
      loadFrames();
      connect();
      eb.ready = true;
    });
  }

  if (typeof echarts === 'undefined') {
    document.addEventListener('DOMContentLoaded', function () { $('status').textContent = 'vendor/echarts.min.js missing'; });
    return;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
