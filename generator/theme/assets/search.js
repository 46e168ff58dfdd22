// The search page's one script, in a file of its own: the hosting example's
// Content-Security-Policy (deploy/nginx.conf) runs no script written into a page.
window.addEventListener("DOMContentLoaded", function () {
  if (!window.PagefindUI) { return; }
  new PagefindUI({ element: "#search", showSubResults: true });
});
