// jclip search page: text search, search by a dropped or picked image, "more like this".
// Talks only to this server's /api endpoints; an API key given as ?key=... in the page URL is sent along.
(function () {
  'use strict';
  const key = new URLSearchParams(location.search).get('key');
  const results = document.getElementById('results');
  const status = document.getElementById('status');
  const drop = document.getElementById('drop');
  const file = document.getElementById('file');

  function withKey(url) {
    return key ? url + (url.includes('?') ? '&' : '?') + 'key=' + encodeURIComponent(key) : url;
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }

  async function search(terms, label) {
    say('Searching ' + label + ' ...');
    const headers = {'Content-Type': 'application/json'};
    if (key) headers['X-API-Key'] = key;
    let body;
    try {
      const res = await fetch('/api/search', {method: 'POST', headers, body: JSON.stringify({terms, n: 24})});
      body = await res.json();
      if (!res.ok) throw new Error(body.error || res.statusText);
    } catch (e) {
      say('Error: ' + e.message, true);
      return;
    }
    show(body.results);
    const t = body.timings_ms;
    say(body.results.length + ' results for ' + label + ' (embedding ' + t.embed.toFixed(1) + ' ms, search ' + t.search.toFixed(1) + ' ms)');
  }

  function show(items) {
    results.replaceChildren();
    for (const r of items) {
      const tile = document.createElement('figure');
      tile.className = 'tile';
      tile.dataset.id = r.id;
      const img = document.createElement('img');
      img.src = withKey(r.thumb);
      img.alt = r.name;
      img.title = r.path;
      img.loading = 'lazy';
      const meta = document.createElement('figcaption');
      meta.className = 'meta';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = r.name;
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = r.score.toFixed(3);
      meta.append(name, score);
      const more = document.createElement('button');
      more.className = 'more';
      more.type = 'button';
      more.textContent = 'More like this';
      more.addEventListener('click', () => search([{id: r.id}], 'images like ' + r.name));
      tile.append(img, meta, more);
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
    const q = document.getElementById('query').value.trim();
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
