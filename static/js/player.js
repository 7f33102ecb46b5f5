/* The inline player for recordings and voicemail (templates/history/player.html).
 *
 * Custom controls around <audio preload="none">: play/pause, a seek bar, -10 s / +10 s, speed and the
 * elapsed/total time. Everything is wired by event delegation on the document (media events do not
 * bubble, so they are caught in the capture phase), so players swapped in by HTMX work without
 * re-binding; initPlayers() only swaps the browser's controls for ours, on load and after each swap.
 * Only one player plays at a time. window.voiphistoryPlayer.toggle(element) plays or pauses the
 * player inside (or around) element, for keyboard shortcuts on table rows.
 */
(function () {
  "use strict";

  var PLAYER = "[data-player]";
  var SKIP_SECONDS = 10;
  var ERROR_TEXT = "Could not load the recording: try again";

  function part(player, name) {
    return player.querySelector("[data-player-" + name + "]");
  }

  function playerOf(node) {
    return node && node.closest ? node.closest(PLAYER) : null;
  }

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) {
      seconds = 0;
    }
    seconds = Math.floor(seconds);
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor(seconds / 60) % 60;
    var rest = String(seconds % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + rest : minutes + ":" + rest;
  }

  /* The length in seconds: the audio's own once known, else the record's (data-duration). */
  function lengthOf(player, audio) {
    if (isFinite(audio.duration) && audio.duration > 0) {
      return audio.duration;
    }
    return Number(player.dataset.duration) || 0;
  }

  function init(player) {
    if (player.dataset.playerReady) {
      return;
    }
    var audio = part(player, "audio");
    var controls = part(player, "controls") || addControls(player);
    if (!audio || !controls) {
      return;
    }
    audio.removeAttribute("controls");
    controls.hidden = false;
    player.dataset.playerReady = "1";
    showTime(player, audio);
  }

  /* The page's one copy of the controls (base.html), given to this player: its download link is
     the audio's fallback link (for browsers without audio), or goes when the player has none. */
  function addControls(player) {
    var template = document.getElementById("player-controls");
    if (!template) {
      return null;
    }
    player.appendChild(template.content.cloneNode(true));
    var link = player.querySelector("[data-player-download-link]");
    var fallback = player.querySelector("audio a[href]");
    if (fallback) {
      link.href = fallback.getAttribute("href");
      link.setAttribute("aria-label", "Download " + (player.getAttribute("aria-label") || "the audio"));
    } else {
      link.remove();
    }
    return part(player, "controls");
  }

  function initPlayers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches(PLAYER)) {
      init(scope);
    }
    scope.querySelectorAll(PLAYER).forEach(init);
  }

  function showTime(player, audio) {
    var seek = part(player, "seek");
    var length = lengthOf(player, audio);
    var now = audio.currentTime || 0;
    if (length) {
      seek.max = String(Math.ceil(length));
      part(player, "total").textContent = clock(length);
    }
    if (!player.dataset.dragging) {
      seek.value = String(now);
      part(player, "elapsed").textContent = clock(now);
    }
    seek.setAttribute("aria-valuetext", clock(now) + (length ? " of " + clock(length) : ""));
  }

  function showPlaying(player, audio) {
    var playing = !audio.paused && !audio.ended;
    player.classList.toggle("is-playing", playing);
    var button = player.querySelector('[data-player-action="toggle"]');
    button.setAttribute("aria-label", playing ? "Pause" : "Play");
  }

  function showStatus(player, text) {
    var status = part(player, "status");
    if (status.textContent !== text) {
      status.textContent = text;
    }
    player.classList.toggle("is-loading", Boolean(text));
  }

  function showError(player, failed) {
    var error = part(player, "error");
    error.textContent = failed ? ERROR_TEXT : "";
    player.querySelector('[data-player-action="retry"]').hidden = !failed;
    player.classList.toggle("has-error", failed);
    if (failed) {
      showStatus(player, "");
    }
  }

  function play(player) {
    var audio = part(player, "audio");
    var started = audio.play();
    if (started && started.catch) {
      // A failed load is reported by the "error" event; a play() interrupted by pause() is not an error.
      started.catch(function () {});
    }
  }

  function toggle(element) {
    var player = null;
    if (element && element.matches) {
      player = element.matches(PLAYER) ? element : element.querySelector(PLAYER) || playerOf(element);
    }
    if (!player) {
      return false;
    }
    init(player);
    var audio = part(player, "audio");
    if (audio.paused || audio.ended) {
      play(player);
    } else {
      audio.pause();
    }
    return true;
  }

  function skip(player, seconds) {
    var audio = part(player, "audio");
    var length = lengthOf(player, audio);
    var target = Math.max(0, (audio.currentTime || 0) + seconds);
    audio.currentTime = length ? Math.min(target, length) : target;
    showTime(player, audio);
  }

  function retry(player) {
    showError(player, false);
    part(player, "audio").load();  // a fresh request; the speed survives as defaultPlaybackRate
    play(player);
  }

  /* A new voicemail is marked heard once its playback has really started (the "playing" event, so
     the audio is streaming first): one POST (htmx sends the CSRF header from <body hx-headers>), and
     the message's line of the table is swapped for the answer. The player, in the next line of the
     row, is not touched and plays on. A failed POST is tried again at the next "playing". */
  function markHeard(player) {
    var url = player.dataset.playerHeardUrl;
    if (!url || player.dataset.heardSent || !window.htmx) {
      return;
    }
    player.dataset.heardSent = "1";
    var row = player.closest("[data-row]");
    var line = row ? row.querySelector("tr") : null;
    var again = function () { delete player.dataset.heardSent; };
    player.addEventListener("htmx:responseError", again, { once: true });
    player.addEventListener("htmx:sendError", again, { once: true });
    window.htmx.ajax("POST", url, line && line !== player.closest("tr")
      ? { source: player, target: line, swap: "outerHTML" }
      : { source: player, swap: "none" });
  }

  var actions = {
    toggle: function (player) { toggle(player); },
    back: function (player) { skip(player, -SKIP_SECONDS); },
    forward: function (player) { skip(player, SKIP_SECONDS); },
    retry: retry,
  };

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-player-action]") : null;
    var player = playerOf(button);
    if (player && actions[button.dataset.playerAction]) {
      actions[button.dataset.playerAction](player);
    }
  });

  /* The seek bar previews while dragged (input) and seeks once let go (change): one Range request
     per seek, not one per pixel. Arrow keys fire both, so the keyboard seeks at once. */
  document.addEventListener("input", function (event) {
    var player = event.target.matches("[data-player-seek]") ? playerOf(event.target) : null;
    if (player) {
      player.dataset.dragging = "1";
      part(player, "elapsed").textContent = clock(Number(event.target.value));
    }
  });

  document.addEventListener("change", function (event) {
    var player = playerOf(event.target);
    if (!player) {
      return;
    }
    var audio = part(player, "audio");
    if (event.target.matches("[data-player-seek]")) {
      delete player.dataset.dragging;
      audio.currentTime = Number(event.target.value);
      showTime(player, audio);
    } else if (event.target.matches("[data-player-speed]")) {
      audio.defaultPlaybackRate = audio.playbackRate = Number(event.target.value) || 1;
    }
  });

  function onMedia(type, handler) {
    document.addEventListener(type, function (event) {
      var audio = event.target;
      var player = audio.matches && audio.matches("[data-player-audio]") ? playerOf(audio) : null;
      if (player && player.dataset.playerReady) {  // no controls (yet): the browser's own show it
        handler(player, event.target);
      }
    }, true);
  }

  onMedia("play", function (player, audio) {
    document.querySelectorAll("[data-player-audio]").forEach(function (other) {
      if (other !== audio && !other.paused) {
        other.pause();
      }
    });
    showError(player, false);
    showPlaying(player, audio);
  });
  onMedia("pause", showPlaying);
  onMedia("ended", showPlaying);
  onMedia("timeupdate", showTime);
  onMedia("durationchange", showTime);
  onMedia("loadedmetadata", showTime);
  onMedia("seeked", showTime);
  onMedia("waiting", function (player) { showStatus(player, "Loading…"); });
  onMedia("loadstart", function (player, audio) {
    if (!audio.paused) {
      showStatus(player, "Loading…");
    }
  });
  onMedia("playing", function (player, audio) {
    showStatus(player, "");
    showPlaying(player, audio);
    markHeard(player);
  });
  onMedia("canplay", function (player) { showStatus(player, ""); });
  onMedia("ratechange", function (player, audio) {
    part(player, "speed").value = String(audio.playbackRate);
  });
  onMedia("error", function (player, audio) {
    showError(player, true);
    showPlaying(player, audio);
  });

  document.addEventListener("htmx:afterSettle", function () { initPlayers(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initPlayers(document); });
  } else {
    initPlayers(document);
  }

  window.voiphistoryPlayer = { toggle: toggle, init: initPlayers };
})();
