/* The book's moving figures (tools/book_frames.py builds them; tools/build_book.py writes
 * each block). A block holds its controls (native <input type=range> and <select>, each
 * with its <label>), one <img>, and the list of its frames as JSON: one frame per
 * combination of the controls' positions, the last control moving fastest. Moving a control
 * shows the frame of the new positions: its picture, its alt text and its caption. The
 * frames next to the current one are loaded ahead, so that a move answers at once. No
 * network: the frames are files of the site. */
(function () {
  "use strict";

  function setUp(block) {
    var data = JSON.parse(block.querySelector("script.book-frames-data").textContent);
    var controls = data.controls.map(function (c) {
      return block.querySelector("#" + block.id + "-" + c.name);
    });
    var img = block.querySelector("img.book-frames-picture");
    var caption = block.querySelector(".book-frames-caption");
    var problem = block.querySelector(".book-frames-problem");
    var loaded = {};

    function positions() {
      return controls.map(function (c) { return Number(c.value); });
    }

    function index(at) {
      return at.reduce(function (i, p, k) { return i * data.controls[k].labels.length + p; }, 0);
    }

    function load(i) {
      var src = data.frames[i].src;
      if (!src || loaded[src]) return;
      var ahead = new Image();
      ahead.src = src;
      loaded[src] = ahead;
      if (ahead.decode) ahead.decode().catch(function () {});
    }

    function loadNeighbours(at) {
      at.forEach(function (p, k) {
        [-1, 1].forEach(function (d) {
          var next = at.slice();
          next[k] = p + d;
          if (next[k] >= 0 && next[k] < data.controls[k].labels.length) load(index(next));
        });
      });
    }

    function show() {
      var at = positions();
      var frame = data.frames[index(at)];
      controls.forEach(function (c, k) {
        var label = data.controls[k].labels[at[k]];
        if (c.type === "range") c.setAttribute("aria-valuetext", label);
        var out = block.querySelector("output[for='" + c.id + "']");
        if (out) out.textContent = label;
      });
      if (frame.src) {
        img.src = frame.src;
        img.alt = frame.alt;
        img.hidden = false;
        problem.hidden = true;
      } else {
        img.hidden = true;
        problem.textContent = frame.problem;
        problem.hidden = false;
      }
      caption.textContent = frame.caption;
      caption.hidden = !frame.caption;
      loadNeighbours(at);
    }

    controls.forEach(function (c) { c.addEventListener("input", show); });
    show();
    if (data.play) setUpPlay(block, data.play);
  }

  /* The notebook's play button: it steps its slider once every `interval` ms to the end and
   * stops there; pressed at the end it starts again from the first stop; pressed while
   * playing it pauses. */
  function setUpPlay(block, play) {
    var button = block.querySelector("button.book-frames-play");
    var slider = block.querySelector("#" + block.id + "-" + play.control);
    var timer = null;

    function stop() {
      clearInterval(timer);
      timer = null;
      button.textContent = "Play";
    }

    function step() {
      if (Number(slider.value) >= Number(slider.max)) { stop(); return; }
      slider.value = Number(slider.value) + 1;
      slider.dispatchEvent(new Event("input"));
      if (Number(slider.value) >= Number(slider.max)) stop();
    }

    button.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (Number(slider.value) >= Number(slider.max)) {
        slider.value = slider.min;
        slider.dispatchEvent(new Event("input"));
      }
      timer = setInterval(step, play.interval);
      button.textContent = "Pause";
    });
  }

  function start() {
    document.querySelectorAll(".book-frames").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
