// The labelling page's editor (served at /assets/label-editor.js; the security policy runs no inline script).
// Boxes are drawn in an SVG over the evidence picture, in the picture's pixels. Mouse: drag on empty ground draws a
// box with the chosen class; drag a box to move it, a corner to resize it; click selects. Keys: 1-9 pick the class
// (and relabel the selected box), Delete removes the selected box, A accepts it, Enter saves and marks the frame done,
// N / P save and go to the next / previous frame, Escape deselects. Every change is saved as JSON with the form token.
(function () {
  'use strict';
  var root = document.getElementById('label-editor');
  if (!root) return;
  var svg = root.querySelector('svg.labels');
  var W = +root.getAttribute('data-width'), H = +root.getAttribute('data-height');
  var api = root.getAttribute('data-api');
  var classes = JSON.parse(root.getAttribute('data-classes'));
  var state = JSON.parse(root.getAttribute('data-state'));
  var token = root.querySelector('input[name="__RequestVerificationToken"]').value;
  var picker = document.getElementById('label-class');
  var status = document.getElementById('label-status');
  var list = document.getElementById('label-list');
  var NS = 'http://www.w3.org/2000/svg';
  var boxes = state.labels.map(function (l) { return { id: l.id, cls: l.className, b: l.box.slice(), source: l.source }; });
  var selected = -1, drag = null, current = classes.length ? classes[0] : '';
  var stroke = Math.max(2, W / 320), handle = Math.max(6, W / 110), font = Math.max(12, W / 55);
  root.classList.add('scripted');

  function at(evt) {
    var r = svg.getBoundingClientRect();
    return [Math.min(W, Math.max(0, (evt.clientX - r.left) / r.width * W)), Math.min(H, Math.max(0, (evt.clientY - r.top) / r.height * H))];
  }
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }
  function norm(b) { return [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])]; }

  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    (state.negatives || []).forEach(function (n) {
      var g = el('g', { 'class': 'negative' }, svg);
      el('rect', { x: n.box[0], y: n.box[1], width: n.box[2] - n.box[0], height: n.box[3] - n.box[1], fill: 'none', stroke: '#9e9e9e', 'stroke-dasharray': '6 6', 'stroke-width': stroke }, g);
    });
    boxes.forEach(function (x, i) {
      var b = norm(x.b), sel = i === selected, suggested = x.source === 'suggested';
      var g = el('g', { 'class': 'label' + (sel ? ' selected' : '') + (suggested ? ' suggested' : ''), 'data-index': i, 'data-class': x.cls }, svg);
      el('rect', { x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1], fill: sel ? '#ffeb3b33' : '#0000', stroke: sel ? '#fdd835' : suggested ? '#43a047' : '#1e88e5',
        'stroke-width': sel ? stroke * 1.6 : stroke, 'stroke-dasharray': suggested ? '10 5' : 'none', 'class': 'body' }, g);
      var t = el('text', { x: b[0] + 3, y: Math.max(font, b[1] - 3), fill: sel ? '#fdd835' : suggested ? '#43a047' : '#1e88e5', 'font-size': font, 'font-weight': 700 }, g);
      t.textContent = x.cls + (suggested ? ' ?' : '');
      if (sel) [[b[0], b[1]], [b[2], b[1]], [b[0], b[3]], [b[2], b[3]]].forEach(function (p, k) {
        el('rect', { x: p[0] - handle / 2, y: p[1] - handle / 2, width: handle, height: handle, fill: '#fdd835', 'class': 'handle', 'data-corner': k }, g);
      });
    });
    list.textContent = '';
    boxes.forEach(function (x, i) {
      var li = document.createElement('li');
      li.textContent = (i === selected ? '▶ ' : '') + x.cls + (x.source === 'suggested' ? ' (?)' : '');
      li.addEventListener('click', function () { select(i); });
      list.appendChild(li);
    });
  }
  function select(i) {
    selected = i;
    if (i >= 0) picker.value = boxes[i].cls;
    draw();
  }
  function setClass(cls) {
    current = cls;
    picker.value = cls;
    if (selected >= 0) { boxes[selected].cls = cls; accept(selected); save(false); }
    draw();
  }
  function accept(i) { if (boxes[i].source === 'suggested') boxes[i].source = 'accepted'; }
  function remove() {
    if (selected < 0) return;
    boxes.splice(selected, 1);
    selected = -1;
    draw();
    save(false);
  }

  svg.addEventListener('mousedown', function (evt) {
    evt.preventDefault();
    var p = at(evt), target = evt.target, g = target.closest('g.label');
    if (target.classList.contains('handle')) {
      var b = norm(boxes[selected].b), k = +target.getAttribute('data-corner');
      // Resize: the opposite corner stays put.
      drag = { kind: 'resize', fixed: [k % 2 === 0 ? b[2] : b[0], k < 2 ? b[3] : b[1]] };
    } else if (g) {
      select(+g.getAttribute('data-index'));
      drag = { kind: 'move', from: p, start: norm(boxes[selected].b), moved: false };
    } else {
      boxes.push({ id: null, cls: current, b: [p[0], p[1], p[0], p[1]], source: 'drawn' });
      selected = boxes.length - 1;
      drag = { kind: 'draw' };
    }
  });
  window.addEventListener('mousemove', function (evt) {
    if (!drag) return;
    var p = at(evt), x = boxes[selected];
    if (drag.kind === 'move') {
      var dx = p[0] - drag.from[0], dy = p[1] - drag.from[1], s = drag.start;
      dx = Math.min(W - s[2], Math.max(-s[0], dx)); dy = Math.min(H - s[3], Math.max(-s[1], dy));
      x.b = [s[0] + dx, s[1] + dy, s[2] + dx, s[3] + dy];
      drag.moved = drag.moved || Math.abs(dx) + Math.abs(dy) > 1;
    } else if (drag.kind === 'resize') x.b = [drag.fixed[0], drag.fixed[1], p[0], p[1]];
    else x.b = [x.b[0], x.b[1], p[0], p[1]];
    draw();
  });
  window.addEventListener('mouseup', function () {
    if (!drag) return;
    var d = drag, x = boxes[selected];
    drag = null;
    x.b = norm(x.b);
    if (d.kind === 'draw' && (x.b[2] - x.b[0] < 4 || x.b[3] - x.b[1] < 4)) { boxes.pop(); selected = -1; draw(); return; }
    if (d.kind === 'move' && !d.moved) { draw(); return; }
    accept(selected);
    draw();
    save(false);
  });
  picker.addEventListener('change', function () { setClass(picker.value); });
  document.addEventListener('keydown', function (evt) {
    if (evt.target.tagName === 'INPUT' || evt.target.tagName === 'TEXTAREA' || evt.ctrlKey || evt.metaKey || evt.altKey) return;
    var k = evt.key;
    if (k >= '1' && k <= '9' && +k <= classes.length) setClass(classes[+k - 1]);
    else if (k === 'Delete' || k === 'Backspace') remove();
    else if (k === 'a' || k === 'A') { if (selected >= 0) { accept(selected); draw(); save(false); } }
    else if (k === 'Enter') save(true);
    else if (k === 'n' || k === 'N') go('data-next');
    else if (k === 'p' || k === 'P') go('data-previous');
    else if (k === 'Escape') select(-1);
    else return;
    evt.preventDefault();
  });
  document.getElementById('label-done').addEventListener('click', function () { save(true); });

  // Saves run one after another, and each builds its body when its turn comes, so a box drawn while an earlier save
  // was on the wire is posted with the id that save gave it (never twice). A response only hands ids to the boxes it
  // stored; the editor's own boxes, selection and any drag in progress stay as the user left them.
  var saving = Promise.resolve(), pending = 0;
  function save(done) {
    pending++;
    status.textContent = '…';
    status.className = '';
    saving = saving.then(function () {
      var sent = boxes.filter(function (x) { return done || x.source !== 'suggested'; });
      var posted = sent.map(function (x) { return { id: x.id, className: x.cls, box: norm(x.b).map(function (v) { return Math.round(v * 10) / 10; }), source: x.source === 'suggested' ? 'accepted' : x.source }; });
      var body = JSON.stringify({ done: done, labels: posted });
      return fetch(api, { method: 'POST', headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token }, body: body, credentials: 'same-origin' })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (res) {
          pending--;
          if (!res.ok) { status.textContent = res.j.error || res.j.title || 'error'; status.className = 'error'; return; }
          var known = {};
          sent.forEach(function (x) { if (x.id != null) known[x.id] = true; });
          var fresh = res.j.labels.filter(function (l) { return !known[l.id]; });
          sent.forEach(function (x, n) {
            if (x.id != null) return;
            var p = posted[n];
            var i = fresh.findIndex(function (l) { return l.className === p.className && l.box.every(function (v, k) { return Math.abs(v - p.box[k]) < 0.06; }); });
            if (i >= 0) { x.id = fresh[i].id; fresh.splice(i, 1); }
            if (x.source === 'suggested') x.source = 'accepted';
          });
          state.negatives = res.j.negatives;
          // "Saved" only once nothing is left on the wire.
          if (pending === 0) {
            status.textContent = res.j.done ? root.getAttribute('data-word-done') : root.getAttribute('data-word-saved');
            status.className = res.j.done ? 'ok done' : 'ok';
          }
          if (!drag) draw();
        }, function () { pending--; throw new Error('offline'); })
        .catch(function () { status.textContent = root.getAttribute('data-word-offline') || 'offline'; status.className = 'error'; });
    });
    return saving;
  }
  function go(attr) {
    var to = root.getAttribute(attr);
    if (!to) return;
    save(false).then(function () { if (status.className.indexOf('error') < 0) window.location.href = to; });
  }
  draw();
})();
