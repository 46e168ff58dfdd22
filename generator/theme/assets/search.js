// The search page's one script, in a file of its own: the hosting example's
// Content-Security-Policy (deploy/nginx.conf) runs no script written into a page.
window.addEventListener("DOMContentLoaded", function () {
  if (!window.PagefindUI) { return; }
  var search = document.getElementById("search");
  new PagefindUI({ element: "#search", showSubResults: true, showImages: false, processResult: nameSectionsWithTheirPage });
  labelSearchBox(search);
  announceResultCounts(search, document.getElementById("search-status"));
});

// A section's result is a link named by its heading alone ("Ratings", "2.1 Assessment"), alike
// for every inspection in a screen reader's list of links: each also names the page it is on.
function nameSectionsWithTheirPage(result) {
  var page = result.meta && result.meta.title;
  (result.sub_results || []).forEach(function (section) {
    if (page && section.url !== result.url && section.title !== page) {
      section.title = section.title + " \u2013 " + page;
    }
  });
  return result;
}

// Pagefind's box has only a placeholder, which a screen magnifier user loses once typing starts.
function labelSearchBox(search) {
  var box = search.querySelector(".pagefind-ui__search-input");
  if (!box) { return; }
  box.id = "search-input";
  var label = document.createElement("label");
  label.htmlFor = box.id;
  label.className = "search-label";
  label.textContent = "Search the site";
  search.insertBefore(label, search.firstChild);
}

// Pagefind's "N results for X" is plain text: copy it into the page's status region so
// that a screen reader announces the count, once typing has paused rather than per letter.
var ANNOUNCE_AFTER_MS = 700;

function announceResultCounts(search, status) {
  if (!status) { return; }
  var timer = null;
  new MutationObserver(function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var message = search.querySelector(".pagefind-ui__message");
      var text = message ? message.textContent.trim() : "";
      if (status.textContent !== text) { status.textContent = text; }
    }, ANNOUNCE_AFTER_MS);
  }).observe(search, { childList: true, subtree: true, characterData: true });
}
