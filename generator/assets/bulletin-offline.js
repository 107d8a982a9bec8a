/* Bulletin's audit pack, opened from a folder (file://): browsers refuse fetch() of the pack's own JSON
 * files there, so each X.json of the pack has a sibling X.js, `window.__bulletinPack(<the same JSON>)`.
 * This script (first in every page of the pack, in no page of the site) answers a fetch() of a local .json
 * by loading that .js with a <script> tag. Search and table filters then work as on the site. */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;
  var loads = {};
  window.__bulletinPack = function (data) {
    var me = document.currentScript, load = me && loads[me.src];
    if (load) load.resolve(data);
  };
  var original = window.fetch && window.fetch.bind(window);
  window.fetch = function (input, options) {
    var url = new URL(typeof input === "string" ? input : input.url, document.baseURI);
    if (url.protocol !== "file:" || !/\.json$/.test(url.pathname)) {
      return original ? original(input, options) : Promise.reject(new Error("offline"));
    }
    url.search = "";
    url.hash = "";
    var src = url.href.replace(/\.json$/, ".js");
    if (!loads[src]) {
      var load = loads[src] = {};
      load.promise = new Promise(function (resolve, reject) {
        load.resolve = resolve;
        var s = document.createElement("script");
        s.src = src;
        s.onerror = function () { delete loads[src]; reject(new Error("not in the pack: " + src)); };
        document.head.appendChild(s);
      });
    }
    return loads[src].promise.then(function (data) {
      return {ok: true, status: 200, json: function () { return Promise.resolve(data); }};
    });
  };
})();
