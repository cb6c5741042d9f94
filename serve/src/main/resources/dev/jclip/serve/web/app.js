// jclip search page: text search, search by a dropped or picked image, "more like this"; images or
// texts (captions and text collections), metadata filters and hybrid (BM25 + vector) ranking.
// Talks only to this server's /api endpoints; an API key given as ?key=... in the page URL is sent along.
(function () {
  'use strict';
  const key = new URLSearchParams(location.search).get('key');
  const results = document.getElementById('results');
  const status = document.getElementById('status');
  const drop = document.getElementById('drop');
  const file = document.getElementById('file');
  const value = (id) => document.getElementById(id).value.trim();

  function withKey(url) {
    return key ? url + (url.includes('?') ? '&' : '?') + 'key=' + encodeURIComponent(key) : url;
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }

  function modality() {
    return document.querySelector('input[name="modality"]:checked').value;
  }

  // The filter fields as the server's conditions (the same FIELD:VALUE syntax as clip search --where).
  // Ranges go to the server as typed, so a reversed one is refused there with its reason.
  function where() {
    const w = [];
    const range = (field, lo, hi) => { if (lo || hi) w.push(field + ':' + lo + '..' + hi); };
    if (value('f-path')) w.push('path:' + value('f-path'));
    if (value('f-ext')) w.push('ext:' + value('f-ext'));
    range('width', value('f-wmin'), value('f-wmax'));
    range('height', value('f-hmin'), value('f-hmax'));
    range('mtime', value('f-from'), value('f-to'));
    if (value('f-caption')) w.push('caption:' + value('f-caption').replace(/\s+/g, ','));
    return w;
  }

  async function search(terms, label) {
    say('Searching ' + label + ' ...');
    const headers = {'Content-Type': 'application/json'};
    if (key) headers['X-API-Key'] = key;
    const request = {terms, n: 24, modality: modality(), where: where()};
    // hybrid ranking needs words: only queries with a text term take it
    if (document.getElementById('hybrid').checked && terms.some((t) => t.text)) {
      request.hybrid = true;
      request.hybrid_weight = Number(value('hybrid-weight') || '1');
    }
    let body;
    try {
      const res = await fetch('/api/search', {method: 'POST', headers, body: JSON.stringify(request)});
      body = await res.json();
      if (!res.ok) throw new Error(body.error || res.statusText);
    } catch (e) {
      say('Error: ' + e.message, true);
      return;
    }
    show(body.results);
    const t = body.timings_ms;
    say(body.results.length + ' results for ' + label + (request.hybrid ? ' (hybrid)' : '')
        + ' (embedding ' + t.embed.toFixed(1) + ' ms, search ' + t.search.toFixed(1) + ' ms)');
  }

  function show(items) {
    results.replaceChildren();
    for (const r of items) {
      const tile = document.createElement('figure');
      tile.className = 'tile ' + r.modality;
      tile.dataset.id = r.id;
      if (r.thumb) {
        const img = document.createElement('img');
        img.src = withKey(r.thumb);
        img.alt = r.text || r.name;
        img.title = r.path;
        img.loading = 'lazy';
        tile.append(img);
      }
      if (r.modality === 'text') {
        const text = document.createElement('blockquote');
        text.className = 'text';
        text.textContent = r.text;
        tile.append(text);
      }
      const meta = document.createElement('figcaption');
      meta.className = 'meta';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = r.name;
      name.title = r.path; // the whole path on hover; the name itself wraps instead of being cut
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = r.score.toFixed(3);
      meta.append(name, score);
      tile.append(meta);
      if (r.modality === 'image' && r.captions && r.captions.length) {
        const caps = document.createElement('p');
        caps.className = 'caption';
        caps.textContent = r.captions.join(' · ');
        tile.append(caps);
      }
      const more = document.createElement('button');
      more.className = 'more';
      more.type = 'button';
      more.textContent = 'More like this';
      more.addEventListener('click', () => search([{id: r.id}], (r.modality === 'text' ? 'texts' : 'images') + ' like ' + r.name));
      tile.append(more);
      results.append(tile);
    }
  }

  function searchFile(f) {
    if (!f) return;
    const reader = new FileReader();
    reader.onload = () => search([{image: reader.result}], 'the image ' + f.name);
    reader.onerror = () => say('Could not read ' + f.name, true);
    reader.readAsDataURL(f);
  }

  document.getElementById('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = value('query');
    if (!q) { say('Type what you are looking for.', true); return; }
    search([{text: q}], '"' + q + '"');
  });
  // query by URL (issue 24): the server fetches it; its refusal (private address, too large, ...) shows as the error
  document.getElementById('url-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const u = document.getElementById('image-url').value.trim();
    if (!u) { say('Paste the URL of an image.', true); return; }
    search([{url: u}], 'the image at ' + u);
  });
  file.addEventListener('change', () => searchFile(file.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    searchFile(e.dataTransfer.files[0]);
  });
})();
