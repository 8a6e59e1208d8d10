/**
 * The page's one small script, inline: every 2 s it reads `status.json` and copies the values into the
 * elements that name them (`data-k`: text, `data-v`: a progress bar's value, `data-show`: shown while the
 * value exists, `data-state`: a state badge). When a cycle has completed or the troubles changed since, it
 * re-reads the page and swaps the `data-swap` parts (health, troubles, counts, destinations, timeline, plan); when
 * datasets or destinations changed, it reloads. (`shape` and `version` of `PageData`). It only ever sets `textContent`, values and classes from the JSON: no markup from data. Without
 * scripts the server-rendered page is complete and the refresh link reloads it.
 *
 * @since 0.1.0
 */

export const SCRIPT = `(() => {
  'use strict'
  const body = document.body
  const live = document.getElementById('live')
  const get = (o, path) => path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o)
  let busy = false
  const swap = async () => {
    const r = await fetch('./', { cache: 'no-store', credentials: 'same-origin' })
    if (!r.ok) throw new Error('page: HTTP ' + r.status)
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html')
    for (const el of document.querySelectorAll('[data-swap]')) {
      const fresh = doc.getElementById(el.id)
      if (fresh !== null) el.replaceWith(document.importNode(fresh, true))
    }
  }
  const tick = async () => {
    if (busy) return
    busy = true
    try {
      const r = await fetch('status.json', { cache: 'no-store', credentials: 'same-origin' })
      if (!r.ok) throw new Error('status.json: HTTP ' + r.status)
      const d = await r.json()
      if (d.shape !== body.dataset.shape) return location.reload()
      if (d.version !== body.dataset.version) {
        await swap()
        body.dataset.version = d.version
      }
      for (const el of document.querySelectorAll('[data-k]')) {
        const v = get(d, el.dataset.k)
        el.textContent = v == null ? '-' : String(v)
      }
      for (const el of document.querySelectorAll('[data-v]')) el.value = Number(get(d, el.dataset.v) ?? 0)
      for (const el of document.querySelectorAll('[data-show]')) el.hidden = get(d, el.dataset.show) == null
      for (const el of document.querySelectorAll('[data-state]')) {
        const v = String(get(d, el.dataset.state))
        el.className = 'state s-' + v
        el.textContent = v
      }
      // the daemon's time, not the browser's (they differ in the demo, and when clocks drift)
      live.textContent = 'live: updated ' + d.generatedAt.slice(11, 19) + ' UTC'
      live.className = 'live'
    } catch (e) {
      live.textContent = 'not updating (' + (e instanceof Error ? e.message : String(e)) + '); use Refresh'
      live.className = 'live stale'
    } finally {
      busy = false
    }
  }
  setInterval(tick, 2000)
  void tick()
})()
`
