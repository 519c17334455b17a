namespace DeskVision.Web.Zones;

/// <summary>
/// The zone editor's script, served by the app at <c>/assets/zone-editor.js</c> (the security policy runs scripts from
/// the app only, never inline, never from a CDN). Plain browser JavaScript, no library: select a zone, drag its points
/// or the whole zone, add a point with the + on an edge, remove one with a right click, add or delete zones, and save
/// to the zones API, showing its errors next to the zones they concern.
/// </summary>
public static class ZoneEditorScript
{
    public const string Path = "/assets/zone-editor.js";

    public const string Source = """
        (function () {
          'use strict';
          var root = document.getElementById('zone-editor');
          if (!root) return;
          var svg = root.querySelector('svg.zones');
          var W = +svg.getAttribute('data-width'), H = +svg.getAttribute('data-height');
          var text = document.getElementById('zones-json');
          var list = document.getElementById('zone-list');
          var errorList = document.getElementById('zone-errors');
          var status = document.getElementById('zone-status');
          var token = root.querySelector('input[name="__RequestVerificationToken"]').value;
          var kinds = JSON.parse(root.getAttribute('data-kinds'));
          var words = JSON.parse(root.getAttribute('data-words'));
          var zones = JSON.parse(text.value || '[]');
          var selected = zones.length ? 0 : -1;
          var drag = null, problems = [];
          var NS = 'http://www.w3.org/2000/svg';
          root.classList.add('scripted');

          function clamp(v) { return Math.min(1, Math.max(0, Math.round(v * 10000) / 10000)); }
          function at(evt) {
            var r = svg.getBoundingClientRect();
            return [clamp((evt.clientX - r.left) / r.width), clamp((evt.clientY - r.top) / r.height)];
          }
          function el(name, attrs, parent) {
            var e = document.createElementNS(NS, name);
            Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
            (parent || svg).appendChild(e);
            return e;
          }
          function px(p) { return (p[0] * W).toFixed(1) + ',' + (p[1] * H).toFixed(1); }
          function changed() { text.value = JSON.stringify(zones); status.textContent = words.unsaved; status.className = 'muted'; }

          function draw() {
            while (svg.firstChild) svg.removeChild(svg.firstChild);
            var r = Math.max(W, H) / 110;
            zones.forEach(function (z, i) {
              var bad = problems.some(function (p) { return p.zone === i; });
              var poly = el('polygon', {
                points: (z.polygon || []).map(px).join(' '), 'class': 'zone' + (i === selected ? ' selected' : '') + (bad ? ' bad' : ''),
                fill: i === selected ? 'rgba(41,121,255,0.18)' : 'rgba(41,121,255,0.06)', stroke: bad ? '#c62828' : '#2979ff',
                'stroke-width': i === selected ? r / 2 : r / 3, 'data-zone': i
              });
              poly.addEventListener('pointerdown', function (evt) {
                selected = i; drag = { zone: i, start: at(evt), from: JSON.parse(JSON.stringify(z.polygon)) };
                svg.setPointerCapture(evt.pointerId); draw(); fill(); evt.preventDefault();
              });
              if (z.polygon && z.polygon.length) {
                var c = z.polygon[0];
                var label = el('text', { x: c[0] * W + r, y: c[1] * H + 3 * r, fill: bad ? '#c62828' : '#2979ff', 'font-size': 3 * r, 'font-weight': 700 });
                label.textContent = z.name + ' (' + z.kind + ')';
              }
            });
            if (selected < 0 || !zones[selected]) return;
            var pts = zones[selected].polygon || [];
            pts.forEach(function (p, j) {
              var q = pts[(j + 1) % pts.length];
              var mid = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
              var plus = el('circle', { cx: mid[0] * W, cy: mid[1] * H, r: r * 0.8, fill: '#fff', stroke: '#2979ff', 'stroke-width': r / 4, 'class': 'add-point', 'data-after': j });
              plus.addEventListener('pointerdown', function (evt) {
                pts.splice(j + 1, 0, mid); drag = { zone: selected, point: j + 1 };
                svg.setPointerCapture(evt.pointerId); changed(); draw(); evt.preventDefault(); evt.stopPropagation();
              });
            });
            pts.forEach(function (p, j) {
              var h = el('circle', { cx: p[0] * W, cy: p[1] * H, r: r * 1.3, fill: '#2979ff', stroke: '#fff', 'stroke-width': r / 3, 'class': 'handle', 'data-point': j });
              h.addEventListener('pointerdown', function (evt) {
                if (evt.button === 2) return;
                drag = { zone: selected, point: j }; svg.setPointerCapture(evt.pointerId); evt.preventDefault(); evt.stopPropagation();
              });
              h.addEventListener('contextmenu', function (evt) {
                evt.preventDefault();
                if (pts.length > 3) { pts.splice(j, 1); changed(); draw(); }
              });
            });
          }

          svg.addEventListener('pointermove', function (evt) {
            if (!drag) return;
            var p = at(evt), z = zones[drag.zone];
            if (drag.point !== undefined) z.polygon[drag.point] = p;
            else {
              var dx = p[0] - drag.start[0], dy = p[1] - drag.start[1];
              z.polygon = drag.from.map(function (q) { return [clamp(q[0] + dx), clamp(q[1] + dy)]; });
            }
            changed(); draw();
          });
          function stop() { drag = null; }
          svg.addEventListener('pointerup', stop);
          svg.addEventListener('pointercancel', stop);

          function fill() {
            list.innerHTML = '';
            zones.forEach(function (z, i) {
              var row = list.insertRow();
              row.className = (i === selected ? 'selected ' : '') + 'zone-row';
              row.setAttribute('data-zone', i);
              var name = document.createElement('input');
              name.value = z.name; name.maxLength = 40; name.className = 'zone-name';
              name.addEventListener('input', function () { z.name = name.value; changed(); draw(); });
              name.addEventListener('focus', function () { selected = i; draw(); });
              var kind = document.createElement('select');
              kind.className = 'zone-kind';
              kinds.forEach(function (k) { var o = document.createElement('option'); o.value = o.textContent = k; o.selected = k === z.kind; kind.appendChild(o); });
              kind.addEventListener('change', function () { z.kind = kind.value; changed(); draw(); });
              var del = document.createElement('button');
              del.type = 'button'; del.textContent = words.remove; del.className = 'zone-delete';
              del.addEventListener('click', function () { zones.splice(i, 1); selected = zones.length ? 0 : -1; problems = []; changed(); draw(); fill(); });
              row.insertCell().appendChild(name);
              row.insertCell().appendChild(kind);
              row.insertCell().textContent = (z.polygon || []).length + ' ' + words.points;
              row.insertCell().appendChild(del);
              var mine = problems.filter(function (p) { return p.zone === i; });
              var cell = row.insertCell();
              cell.className = 'error-cell';
              cell.textContent = mine.map(function (p) { return p.field + ': ' + p.message; }).join('; ');
            });
          }

          document.getElementById('zone-add').addEventListener('click', function () {
            var n = zones.length + 1, name = 'zone-' + n;
            while (zones.some(function (z) { return z.name === name; })) name = 'zone-' + (++n);
            zones.push({ name: name, kind: kinds[0], polygon: [[0.35, 0.35], [0.65, 0.35], [0.65, 0.65], [0.35, 0.65]] });
            selected = zones.length - 1; changed(); draw(); fill();
          });

          document.getElementById('zone-save').addEventListener('click', function () {
            status.textContent = words.saving; status.className = 'muted';
            fetch(root.getAttribute('data-api'), {
              method: 'PUT', credentials: 'same-origin',
              headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token },
              body: JSON.stringify({ zones: zones })
            }).then(function (r) {
              return r.json().catch(function () { return {}; }).then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
            }).then(function (res) {
              problems = res.ok ? [] : (res.body.errors || [{ zone: null, field: 'http', message: String(res.status) }]);
              errorList.innerHTML = '';
              problems.forEach(function (p) {
                var li = document.createElement('li');
                li.textContent = (p.name ? p.name + ' · ' : '') + p.field + ': ' + p.message;
                errorList.appendChild(li);
              });
              errorList.hidden = problems.length === 0;
              status.textContent = res.ok ? words.saved : words.notSaved;
              status.className = res.ok ? 'ok' : 'failed';
              draw(); fill();
            }, function () { status.textContent = words.notSaved; status.className = 'failed'; });
          });

          draw(); fill();
        })();
        """;
}
