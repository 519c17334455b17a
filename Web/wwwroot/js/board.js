// The hall board refreshes itself: every N seconds it fetches the same address and swaps in the new board, keeping
// the scroll position and an open filter. Without script the page still works (reload by hand).
(() => {
  const board = document.getElementById("board");
  if (!board) return;
  const seconds = Number(board.dataset.refreshSeconds) || 30;
  async function refresh() {
    if (document.hidden || document.activeElement?.closest("#queue-filters")) return;
    try {
      const response = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok || response.redirected) return;
      const next = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("board");
      if (next) document.getElementById("board").replaceChildren(...next.childNodes);
    } catch { /* offline for a moment: try again next time */ }
  }
  setInterval(refresh, seconds * 1000);
})();
