/* The race player: plays, pauses, scrubs and steps a race rendered by `race render
 * --interactive`, hides and shows racers, and shows a ball's numbers under the pointer.
 *
 * A 2D race is drawn here, frame by frame, over one image of the figure's static layers that
 * matplotlib rendered (surface, axes, legend, title). Every position comes from the figure's
 * own data-to-pixel transforms and every size and colour from its artists, measured when the
 * page was written (race/web/picture.py); `draw(state)` turns a state (frame, hidden racers,
 * hovered ball) into the moving layers, the way the frames of the video draw them. A 3D race is
 * its video under the same controls. No library, no network.
 *
 * Coordinates are the figure's pixels from its top-left corner; the canvas is scaled to the
 * page (and the screen's pixel ratio) by one transform.
 */
(function () {
  "use strict";
  if (window.RacePlayer) {
    return;
  }

  // -- data ------------------------------------------------------------------------------------

  function bytes(text) {
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  // Typed arrays read in the platform's byte order: little-endian in every browser we know of.
  function floats(text) {
    return text == null ? null : new Float32Array(bytes(text).buffer);
  }

  function unsigned(text) {
    return new Uint32Array(bytes(text).buffer);
  }

  function signs(text) {
    return text == null ? null : new Int8Array(bytes(text).buffer);
  }

  // Each start's polyline through every step a frame draws it through: the shown steps (from
  // the dense array `values`, `size` numbers a step) and the in-between steps that bend it.
  function polylines(shown, values, size, extra, starts) {
    if (!extra) {
      return null;
    }
    var steps = unsigned(extra.steps);
    var more = floats(extra.values);
    var lines = [];
    var offset = 0;
    for (var j = 0; j < starts; j++) {
      var line = {steps: [], values: []};
      var e = offset;
      var end = offset + extra.counts[j];
      for (var i = 0; i <= shown.length; i++) {
        while (e < end && (i === shown.length || steps[e] < shown[i])) {
          line.steps.push(steps[e]);
          line.values.push(Array.prototype.slice.call(more, e * size, (e + 1) * size));
          e++;
        }
        if (i < shown.length) {
          var o = (i * starts + j) * size;
          line.steps.push(shown[i]);
          line.values.push(Array.prototype.slice.call(values, o, o + size));
        }
      }
      offset = end;
      lines.push(line);
    }
    return lines;
  }

  // The part of a polyline from step `from` to step `to`, its ends interpolated when they fall
  // between two of its points.
  function between(line, from, to) {
    var steps = line.steps;
    var low = 0;
    var high = steps.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (steps[middle] < from) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    var out = [];
    if (low > 0 && low < steps.length && steps[low] > from) {
      out.push(interpolate(line, low - 1, from));
    }
    var i = low;
    for (; i < steps.length && steps[i] <= to; i++) {
      out.push([steps[i]].concat(line.values[i]));
    }
    if (i > 0 && i < steps.length && steps[i - 1] < to) {
      out.push(interpolate(line, i - 1, to));
    }
    return out;
  }

  function interpolate(line, k, step) {
    var t = (step - line.steps[k]) / (line.steps[k + 1] - line.steps[k]);
    return [step].concat(line.values[k].map(function (v, c) {
      return v + t * (line.values[k + 1][c] - v);
    }));
  }

  function decode(data) {
    var shown = Array.from(unsigned(data.shown));
    var frames = Array.from(unsigned(data.frames));
    var firstFrame = shown.map(function () { return -1; });
    frames.forEach(function (index, frame) {
      if (firstFrame[index] < 0) {
        firstFrame[index] = frame;
      }
    });
    var racers = (data.racers || []).map(function (racer) {
      var t = racer.tracks;
      return {
        label: racer.label, color: racer.color, legend: racer.legend,
        map: racer.map || null, lossStyle: racer.loss || null,
        starts: t.starts, diverged: t.diverged,
        position: floats(t.position), loss: floats(t.loss), gradient: floats(t.gradient),
        next: floats(t.next), accumulator: floats(t.accumulator), sides: signs(t.sides),
        arrows: t.arrows.map(floats), learningRate: floats(t.learning_rate)
      };
    }).map(function (racer, r) {
      var t = data.racers[r].tracks;
      racer.trail = polylines(shown, racer.position, 2, t.trail_extra, racer.starts);
      racer.lossLine = polylines(shown, racer.loss, 1, t.loss_extra, racer.starts);
      return racer;
    });
    return {
      width: data.width, height: data.height, fps: data.fps, steps: data.steps,
      shown: shown, frames: frames, firstFrame: firstFrame, labels: data.labels,
      racers: racers, panels: data.panels || [], legends: data.legends || [],
      counter: data.counter || null, loop: data.loop
    };
  }

  function gone(racer, start, step) {
    var at = racer.diverged[start];
    return at >= 0 && step >= at;
  }

  // -- geometry ----------------------------------------------------------------------------------

  // matplotlib's transData for one axes: log10 first on a log axis, then its affine part.
  function pixel(scene, panel, x, y) {
    var m = panel.matrix;
    var X = panel.log[0] ? Math.log10(x) : x;
    var Y = panel.log[1] ? Math.log10(y) : y;
    return [m[0] * X + m[2] * Y + m[4], scene.height - (m[1] * X + m[3] * Y + m[5])];
  }

  function clipTo(ctx, panel) {
    var c = panel.clip;
    ctx.beginPath();
    ctx.rect(c[0], c[1], c[2] - c[0], c[3] - c[1]);
    ctx.clip();
  }

  // Device pixels per figure pixel: the page's scale times the screen's pixel ratio.
  function deviceScale(ctx) {
    return ctx.getTransform().a;
  }

  // Agg snaps a path made only of horizontal and vertical segments (a square) to the pixel
  // grid, so its edges are crisp: vertices to whole pixels, or to pixel centres under a line
  // of odd width. Done here on the device's pixels, so it stays crisp when scaled.
  function snapped(ctx, points, lineWidth) {
    for (var k = 1; k <= points.length; k++) {
      var a = points[k - 1];
      var b = points[k % points.length];
      if (Math.abs(a[0] - b[0]) > 1e-4 && Math.abs(a[1] - b[1]) > 1e-4) {
        return points;
      }
    }
    var scale = deviceScale(ctx);
    var offset = Math.round(lineWidth * scale) % 2 ? 0.5 : 0;
    return points.map(function (p) {
      return [(Math.floor(p[0] * scale + 0.5) + offset) / scale,
              (Math.floor(p[1] * scale + 0.5) + offset) / scale];
    });
  }

  // numpy's rint: halves go to the even neighbour.
  function rint(value) {
    var r = Math.round(value);
    return Math.abs(value % 1) === 0.5 && r % 2 ? r - 1 : r;
  }

  // -- drawing -----------------------------------------------------------------------------------

  function strokePath(ctx, points) {
    ctx.beginPath();
    var open = false;
    for (var k = 0; k < points.length; k++) {
      var p = points[k];
      if (!isFinite(p[0]) || !isFinite(p[1])) {
        open = false;
      } else if (open) {
        ctx.lineTo(p[0], p[1]);
      } else {
        ctx.moveTo(p[0], p[1]);
        open = true;
      }
    }
    ctx.stroke();
  }

  // A line as matplotlib draws it, with the outline its path effect strokes under it.
  function drawLine(ctx, points, width, color, outline) {
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.setLineDash([]);
    if (outline) {
      ctx.globalAlpha = outline.alpha;
      ctx.lineWidth = outline.width;
      ctx.strokeStyle = outline.color;
      strokePath(ctx, points);
      ctx.globalAlpha = 1;
    }
    ctx.lineWidth = width;
    ctx.strokeStyle = color;
    strokePath(ctx, points);
  }

  // Agg centres a marker on the (device) pixel nearest its point; a circle unless the figure
  // gave its outline.
  function drawMarker(ctx, style, x, y) {
    if (!isFinite(x) || !isFinite(y)) {
      return;
    }
    var scale = deviceScale(ctx);
    x = (Math.round(x * scale) + 0.5) / scale;
    y = (Math.round(y * scale) + 0.5) / scale;
    ctx.beginPath();
    if (style.shape) {
      style.shape.forEach(function (p, k) {
        if (k) {
          ctx.lineTo(x + p[0], y + p[1]);
        } else {
          ctx.moveTo(x + p[0], y + p[1]);
        }
      });
      ctx.closePath();
    } else {
      ctx.arc(x, y, style.size / 2, 0, 2 * Math.PI);
    }
    ctx.fillStyle = style.face;
    ctx.fill();
    if (style.edgeWidth > 0) {
      ctx.setLineDash([]);
      ctx.lineJoin = style.join;
      ctx.lineWidth = style.edgeWidth;
      ctx.strokeStyle = style.edge;
      ctx.stroke();
    }
  }

  // A trail: every step from the start (or the trail's length back) to this one; a fading one
  // in bands of rising opacity over those steps, as the view's LineCollection.
  function drawTrail(ctx, scene, panel, racer, start, index) {
    var style = racer.map.trail;
    var line = racer.trail[start];
    var step = scene.shown[index];
    var first = style.length == null ? 0 : Math.max(0, step - style.length);
    var toPixels = function (points) {
      return points.map(function (p) { return pixel(scene, panel, p[1], p[2]); });
    };
    if (!style.fade) {
      drawLine(ctx, toPixels(between(line, first, step)), style.width, style.color,
               style.outline);
      return;
    }
    var count = step - first;
    if (count < 1) {
      return;
    }
    var bands = Math.min(style.fade[0], count);
    ctx.lineCap = "round";
    ctx.setLineDash([]);
    ctx.lineWidth = style.width;
    ctx.strokeStyle = style.color;
    for (var b = 0; b < bands; b++) {
      var from = first + rint(b * count / bands);
      var to = first + rint((b + 1) * count / bands);
      ctx.globalAlpha = bands > 1 ? style.fade[1] + (1 - style.fade[1]) * b / (bands - 1) : 1;
      strokePath(ctx, toPixels(between(line, from, to)));
    }
    ctx.globalAlpha = 1;
  }

  // The two squares of accumulated g² at a ball, built in data units exactly as the view's
  // update does, then mapped to pixels.
  function squarePolygons(scene, panel, racer, start, index) {
    var squares = racer.map.squares;
    var o = (index * racer.starts + start) * 2;
    var x = racer.position[o];
    var y = racer.position[o + 1];
    var sx = squares.scale * Math.sqrt(Math.abs(racer.accumulator[o]));
    var sy = squares.scale * Math.sqrt(Math.abs(racer.accumulator[o + 1]));
    var dx = racer.sides[o];
    var dy = racer.sides[o + 1];
    var origin = pixel(scene, panel, 0, 0);
    var unit = pixel(scene, panel, 1, 1);
    var aspect = unit[1] !== origin[1] ?
      Math.abs((unit[0] - origin[0]) / (unit[1] - origin[1])) : 1;
    var hx = sx * aspect;
    var hy = sy * aspect;
    var along = [[x, y - hx / 2], [x + dx * sx, y - hx / 2], [x + dx * sx, y + hx / 2],
                 [x, y + hx / 2]];
    var across = [[x - sy / 2, y], [x + sy / 2, y], [x + sy / 2, y + dy * hy],
                  [x - sy / 2, y + dy * hy]];
    return [along, across].map(function (corners) {
      return corners.map(function (c) { return pixel(scene, panel, c[0], c[1]); });
    });
  }

  function polygonPath(ctx, points) {
    ctx.beginPath();
    points.forEach(function (p, k) {
      if (k) {
        ctx.lineTo(p[0], p[1]);
      } else {
        ctx.moveTo(p[0], p[1]);
      }
    });
    ctx.closePath();
  }

  // Hatching is a tile of lines repeated from the figure's top-left corner, as Agg does.
  function hatch(ctx, points, spec) {
    var xs = points.map(function (p) { return p[0]; });
    var ys = points.map(function (p) { return p[1]; });
    var tile = spec.tile;
    ctx.save();
    polygonPath(ctx, points);
    ctx.clip();
    ctx.beginPath();
    for (var tx = Math.floor(Math.min.apply(null, xs) / tile);
      tx * tile <= Math.max.apply(null, xs); tx++) {
      for (var ty = Math.floor(Math.min.apply(null, ys) / tile);
        ty * tile <= Math.max.apply(null, ys); ty++) {
        spec.lines.forEach(function (l) {
          ctx.moveTo((tx + l[0]) * tile, (ty + 1 - l[1]) * tile);
          ctx.lineTo((tx + l[2]) * tile, (ty + 1 - l[3]) * tile);
        });
      }
    }
    ctx.setLineDash([]);
    ctx.lineCap = "butt";
    ctx.lineWidth = spec.width;
    ctx.strokeStyle = spec.color;
    ctx.stroke();
    ctx.restore();
  }

  function drawSquare(ctx, points, side) {
    points = snapped(ctx, points, side.width);
    polygonPath(ctx, points);
    ctx.fillStyle = side.face;
    ctx.fill();
    if (side.hatch.lines.length) {
      hatch(ctx, points, side.hatch);
    }
    polygonPath(ctx, points);
    ctx.setLineDash(side.dashes);
    ctx.lineJoin = "round";
    ctx.lineCap = "butt";
    ctx.lineWidth = side.width;
    ctx.strokeStyle = side.edge;
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // matplotlib's quiver arrow (Quiver._h_arrows): shaft, head, a shrunken head for short
  // arrows and a small dot for those shorter than one shaft width; lengths in shaft widths.
  function arrowOutline(style, length) {
    var minShaft = style.minShaft * style.headLength;
    var x, y;
    if (length < style.minLength) {
      x = [];
      y = [];
      for (var k = 0; k < 8; k++) {
        x.push(Math.cos(k * Math.PI / 3) * style.minLength * 0.5);
        y.push(Math.sin(k * Math.PI / 3) * style.minLength * 0.5);
      }
      return [x, y];
    }
    if (length < minShaft) {
      var shrink = length / minShaft;
      x = [0, minShaft - style.headAxisLength, minShaft - style.headLength, minShaft];
      x = x.map(function (v) { return v * shrink; });
      var h = 0.5 * shrink;
      return [[x[0], x[1], x[2], x[3], x[2], x[1], x[0], x[0]],
              [h, h, h * style.headWidth, 0, -h * style.headWidth, -h, -h, h]];
    }
    x = [0, length - style.headAxisLength, length - style.headLength, length];
    return [[x[0], x[1], x[2], x[3], x[2], x[1], x[0], x[0]],
            [0.5, 0.5, 0.5 * style.headWidth, 0, -0.5 * style.headWidth, -0.5, -0.5, 0.5]];
  }

  function drawArrow(ctx, style, from, to) {
    var ux = to[0] - from[0];
    var uy = from[1] - to[1];              // y up, as matplotlib measures the angle
    var length = Math.sqrt(ux * ux + uy * uy) / style.width;
    var angle = Math.atan2(uy, ux);
    var shape = arrowOutline(style, length);
    var c = Math.cos(angle);
    var s = Math.sin(angle);
    ctx.beginPath();
    for (var k = 0; k < shape[0].length; k++) {
      var X = shape[0][k] * style.width;
      var Y = shape[1][k] * style.width;
      var px = from[0] + X * c - Y * s;
      var py = from[1] - (X * s + Y * c);
      if (k) {
        ctx.lineTo(px, py);
      } else {
        ctx.moveTo(px, py);
      }
    }
    ctx.closePath();
    if (style.face) {                    // an open arrow is its outline only
      ctx.fillStyle = style.face;
      ctx.fill();
    }
    if (style.edgeWidth > 0) {
      ctx.setLineDash([]);
      ctx.lineJoin = "round";            // a collection's edges, as Agg joins them
      ctx.lineWidth = style.edgeWidth;
      ctx.strokeStyle = style.edge;
      ctx.stroke();
    }
  }

  // A ball off the map: an arrowhead with its tip on the map's edge where the ball is nearest
  // it, pointing toward the ball (as the view's edge marks; sizes in points, y up).
  function drawEdgeMark(ctx, scene, panel, style, x, y) {
    var d = panel.limits;
    if (!isFinite(x) || !isFinite(y) || (x >= d[0] && x <= d[1] && y >= d[2] && y <= d[3])) {
      return;
    }
    var tip = pixel(scene, panel, Math.min(Math.max(x, d[0]), d[1]),
                    Math.min(Math.max(y, d[2]), d[3]));
    var ball = pixel(scene, panel, x, y);
    var wx = ball[0] - tip[0];
    var wy = tip[1] - ball[1];
    var norm = Math.max(Math.sqrt(wx * wx + wy * wy), 1e-9);
    wx /= norm;
    wy /= norm;
    var size = style.size;
    var corners = [[0, 0], [-size * wx - 0.6 * size * wy, -size * wy + 0.6 * size * wx],
                   [-0.75 * size * wx, -0.75 * size * wy],
                   [-size * wx + 0.6 * size * wy, -size * wy - 0.6 * size * wx]];
    polygonPath(ctx, corners.map(function (c) { return [tip[0] + c[0], tip[1] - c[1]]; }));
    ctx.fillStyle = style.face;
    ctx.fill();
    ctx.setLineDash([]);
    ctx.lineJoin = "round";
    ctx.lineWidth = style.edgeWidth;
    ctx.strokeStyle = style.edge;
    ctx.stroke();
  }

  // The layers of one racer in a map, each with its zorder, in the order the view returns them.
  function racerLayers(ctx, scene, panel, racer, index) {
    var style = racer.map;
    var step = scene.shown[index];
    var layers = [];
    var alive = [];
    for (var j = 0; j < racer.starts; j++) {
      if (!gone(racer, j, step)) {
        alive.push(j);
      }
    }
    if (style.squares) {
      layers.push({z: style.squares.zorder, draw: function () {
        var shapes = alive.filter(function (j) { return style.squares.starts[j]; })
          .map(function (j) { return squarePolygons(scene, panel, racer, j, index); });
        style.squares.sides.forEach(function (side, axis) {
          shapes.forEach(function (pair) { drawSquare(ctx, pair[axis], side); });
        });
      }});
    }
    if (style.trail) {
      layers.push({z: style.trail.zorder, draw: function () {
        for (var j = 0; j < racer.starts; j++) {
          drawTrail(ctx, scene, panel, racer, j, index);
        }
      }});
    }
    style.arrows.forEach(function (arrow, kind) {
      layers.push({z: arrow.zorder, draw: function () {
        var vectors = racer.arrows[kind];
        var moving = alive.some(function (j) {
          var o = (index * racer.starts + j) * 2;
          return vectors[o] !== 0 || vectors[o + 1] !== 0;
        });
        if (!moving) {
          return;              // the view hides a quiver with nothing to show
        }
        for (var j = 0; j < racer.starts; j++) {
          var o = (index * racer.starts + j) * 2;
          var x = racer.position[o];
          var y = racer.position[o + 1];
          var live = !gone(racer, j, step);
          var u = live ? vectors[o] : 0;
          var v = live ? vectors[o + 1] : 0;
          drawArrow(ctx, arrow, pixel(scene, panel, x, y), pixel(scene, panel, x + u, y + v));
        }
      }});
    });
    layers.push({z: style.edge.zorder, draw: function () {
      alive.forEach(function (j) {
        var o = (index * racer.starts + j) * 2;
        drawEdgeMark(ctx, scene, panel, style.edge, racer.position[o], racer.position[o + 1]);
      });
    }});
    layers.push({z: style.ball.zorder, draw: function () {
      alive.forEach(function (j) {
        var o = (index * racer.starts + j) * 2;
        var p = pixel(scene, panel, racer.position[o], racer.position[o + 1]);
        drawMarker(ctx, style.ball, p[0], p[1]);
      });
    }});
    layers.push({z: style.cross.zorder, draw: function () {
      for (var j = 0; j < racer.starts; j++) {
        var exit = style.exits[j];
        if (gone(racer, j, step) && exit[0] != null) {
          var p = pixel(scene, panel, exit[0], exit[1]);
          drawMarker(ctx, style.cross, p[0], p[1]);
        }
      }
    }});
    return layers;
  }

  function drawMap(ctx, scene, panel, state, index) {
    var layers = [];
    panel.racers.forEach(function (r) {
      if (!state.hidden[r] && scene.racers[r].map) {
        layers = layers.concat(racerLayers(ctx, scene, panel, scene.racers[r], index));
      }
    });
    // one layer at a time across racers, as the view sorts its artists (a stable sort)
    layers.sort(function (a, b) { return a.z - b.z; });
    layers.forEach(function (layer) { layer.draw(); });
  }

  function drawLoss(ctx, scene, panel, state, index) {
    var step = scene.shown[index];
    var visible = panel.racers.filter(function (r) { return !state.hidden[r]; });
    visible.forEach(function (r) {
      var racer = scene.racers[r];
      var style = racer.lossStyle;
      for (var j = 0; j < racer.starts; j++) {
        var points = between(racer.lossLine[j], 0, step).map(function (p) {
          return pixel(scene, panel, p[0], p[1]);
        });
        drawLine(ctx, points, style.width, style.color, style.outline);
      }
    });
    ctx.restore();               // the markers are not clipped: a loss beyond the axis waits
    ctx.save();                  // on its floor (▼) or its top (▲)
    var floor = panel.limits[0];
    var top = panel.limits[1];
    visible.forEach(function (r) {
      var racer = scene.racers[r];
      for (var j = 0; j < racer.starts; j++) {
        var loss = racer.loss[index * racer.starts + j];
        if (!gone(racer, j, step) && !isNaN(loss)) {
          var shape = loss < floor ? "v" : loss > top ? "^" : "o";
          var p = pixel(scene, panel, step, Math.min(Math.max(loss, floor), top));
          drawMarker(ctx, racer.lossStyle.markers[shape], p[0], p[1]);
        }
      }
    });
  }

  // The step counter, composed from the pixels the frames paste: the blank counter, then each
  // digit's column from the row of that digit.
  function drawCounter(ctx, scene, images, step) {
    var counter = scene.counter;
    if (!counter || !images.counter.complete) {
      return;
    }
    var b = counter.box;
    ctx.drawImage(images.counter, 0, 0, b[2], b[3], b[0], b[1], b[2], b[3]);
    var text = String(step);
    text = " ".repeat(Math.max(0, counter.digits - text.length)) + text;
    for (var p = 0; p < counter.digits; p++) {
      var digit = text.charAt(p);
      var cell = counter.cells[p];
      if (digit !== " " && cell[1] > cell[0]) {
        var row = (1 + Number(digit)) * b[3];
        ctx.drawImage(images.counter, cell[0], row, cell[1] - cell[0], b[3],
                      b[0] + cell[0], b[1], cell[1] - cell[0], b[3]);
      }
    }
  }

  // The legend as it reads at this step (a racer's entry says when it diverged).
  function legendAt(scene, step) {
    var current = null;
    scene.legends.forEach(function (variant) {
      if (variant.from <= step) {
        current = variant;
      }
    });
    return current;
  }

  function drawHover(ctx, scene, state, index) {
    var hit = state.hover && ballAt(scene, state, index, state.hover);
    if (!hit) {
      return;
    }
    ctx.setLineDash([]);
    ctx.lineWidth = 2;
    ctx.strokeStyle = scene.foreground;
    ctx.beginPath();
    ctx.arc(hit.x, hit.y, hit.radius + 4, 0, 2 * Math.PI);
    ctx.stroke();
  }

  // The moving layers for `state`: nothing else is read or changed.
  function draw(ctx, scene, images, state) {
    var index = scene.frames[state.frame];
    var step = scene.shown[index];
    ctx.clearRect(0, 0, scene.width, scene.height);
    var legend = legendAt(scene, step);
    if (legend && images.legends[scene.legends.indexOf(legend)].complete) {
      var box = legend.box;
      ctx.drawImage(images.legends[scene.legends.indexOf(legend)], box[0], box[1]);
    }
    drawCounter(ctx, scene, images, step);
    scene.panels.forEach(function (panel) {
      ctx.save();
      clipTo(ctx, panel);
      if (panel.kind === "map") {
        drawMap(ctx, scene, panel, state, index);
      } else {
        drawLoss(ctx, scene, panel, state, index);
      }
      ctx.restore();
    });
    drawHover(ctx, scene, state, index);
  }

  // -- hover -------------------------------------------------------------------------------------

  // Where a racer-start's ball is at this frame's step, if it is drawn.
  function ballAt(scene, state, index, which) {
    var racer = scene.racers[which.racer];
    var step = scene.shown[index];
    if (state.hidden[which.racer] || gone(racer, which.start, step)) {
      return null;
    }
    var panel = scene.panels.filter(function (p) {
      return p.kind === "map" && p.racers.indexOf(which.racer) >= 0;
    })[0];
    if (!panel) {
      return null;
    }
    var o = (index * racer.starts + which.start) * 2;
    var p = pixel(scene, panel, racer.position[o], racer.position[o + 1]);
    return {x: p[0], y: p[1], radius: racer.map.ball.size / 2};
  }

  function nearestBall(scene, state, x, y) {
    var index = scene.frames[state.frame];
    var best = null;
    var bestDistance = Infinity;
    scene.racers.forEach(function (racer, r) {
      if (!racer.map) {
        return;
      }
      for (var j = 0; j < racer.starts; j++) {
        var ball = ballAt(scene, state, index, {racer: r, start: j});
        if (ball) {
          var distance = Math.hypot(ball.x - x, ball.y - y);
          if (distance <= Math.max(10, ball.radius + 6) && distance < bestDistance) {
            best = {racer: r, start: j};
            bestDistance = distance;
          }
        }
      }
    });
    return best;
  }

  function number(value) {
    if (!isFinite(value)) {
      return String(value);
    }
    var size = Math.abs(value);
    if (size !== 0 && (size < 1e-3 || size >= 1e5)) {
      return value.toExponential(3);
    }
    return String(Number(value.toPrecision(5)));
  }

  function pair(array, offset) {
    return number(array[offset]) + ", " + number(array[offset + 1]);
  }

  function tipLines(scene, state) {
    var index = scene.frames[state.frame];
    var racer = scene.racers[state.hover.racer];
    var j = state.hover.start;
    var o = (index * racer.starts + j) * 2;
    var name = racer.label + (racer.starts > 1 ? " (start " + (j + 1) + " of " +
      racer.starts + ")" : "");
    var lines = [
      "step        " + scene.shown[index],
      "x, y        " + pair(racer.position, o),
      "loss        " + number(racer.loss[index * racer.starts + j]),
      "gradient    " + pair(racer.gradient, o)
    ];
    if (racer.accumulator) {
      lines.push("Σg² x, y    " + pair(racer.accumulator, o));
    }
    if (racer.learningRate) {
      lines.push("lr          " + number(racer.learningRate[index]));
    }
    var last = scene.shown[index] === scene.steps;
    lines.push("next step   " + (last ? "none: the race is over" : pair(racer.next, o)));
    return {name: name, lines: lines};
  }

  // -- the page ----------------------------------------------------------------------------------

  function canvasView(root, scene) {
    var stage = root.querySelector(".rp-stage");
    var canvas = root.querySelector(".rp-moving");
    var ctx = canvas.getContext("2d");
    var images = {counter: new Image(), legends: []};
    var view = {
      draw: function (state) {
        var width = Math.max(1, Math.round(stage.clientWidth * (window.devicePixelRatio || 1)));
        var height = Math.max(1, Math.round(width * scene.height / scene.width));
        if (canvas.width !== width || canvas.height !== height) {
          canvas.width = width;
          canvas.height = height;
        }
        ctx.setTransform(width / scene.width, 0, 0, height / scene.height, 0, 0);
        draw(ctx, scene, images, state);
      },
      onload: null
    };
    function loaded() {
      if (view.onload) {
        view.onload();
      }
    }
    if (scene.counter) {
      images.counter.onload = loaded;
      images.counter.src = scene.counter.image;
    }
    images.legends = scene.legends.map(function (variant) {
      var image = new Image();
      image.onload = loaded;
      image.src = variant.image;
      return image;
    });
    return view;
  }

  function videoView(root, scene) {
    var video = root.querySelector(".rp-video");
    var seeking = -1;
    var view = {
      video: video,
      draw: function (state) {
        if (!state.playing && seeking !== state.frame) {
          seeking = state.frame;
          video.currentTime = (state.frame + 0.5) / scene.fps;
        }
      },
      start: function (state) {
        seeking = -1;
        video.loop = state.loop;
        video.playbackRate = state.speed;
        video.currentTime = state.frame / scene.fps;
        var playing = video.play();
        if (playing && playing.catch) {
          playing.catch(function () {      // the browser would not play it: say paused
            state.playing = false;
            if (view.onload) {
              view.onload();
            }
          });
        }
      },
      stop: function () {
        video.pause();
      },
      current: function () {
        return Math.min(scene.frames.length - 1, Math.floor(video.currentTime * scene.fps));
      },
      onload: null
    };
    return view;
  }

  function mount(root) {
    if (!root || root.racePlayer) {
      return;
    }
    var data = JSON.parse(root.querySelector(".rp-data").textContent);
    var scene = decode(data);
    scene.foreground = getComputedStyle(root).getPropertyValue("--rp-fg").trim() || "#888";
    var video = data.mode === "video";
    var view = video ? videoView(root, scene) : canvasView(root, scene);
    var q = function (selector) { return root.querySelector(selector); };
    var stage = q(".rp-stage");
    var play = q(".rp-play");
    var scrub = q(".rp-scrub");
    var output = q(".rp-step");
    var loop = q(".rp-loop");
    var speed = q(".rp-speed");
    var tip = q(".rp-tip");
    var last = scene.frames.length - 1;
    var state = {frame: 0, playing: false, speed: 1, loop: scene.loop, hover: null,
                 pinned: false, hidden: scene.labels.map(function () { return false; })};
    var clock = {time: 0, frame: 0};
    var pending = false;
    var toggles = [];
    root.racePlayer = {state: state};

    function stepOf(frame) {
      return scene.shown[scene.frames[frame]];
    }

    // the controls say what the state is, at once; the picture follows at the next frame
    function sync() {
      var step = stepOf(state.frame);
      scrub.value = String(step);
      var text = "step " + String(step).padStart(String(scene.steps).length) + "/" + scene.steps;
      output.textContent = text;
      scrub.setAttribute("aria-valuetext", text);
      if (state.playing) {
        play.setAttribute("data-playing", "");
      } else {
        play.removeAttribute("data-playing");
      }
      play.setAttribute("aria-label", state.playing ? "Pause" : "Play");
      loop.setAttribute("aria-pressed", String(state.loop));
      toggles.forEach(function (button, r) {
        button.setAttribute("aria-pressed", String(!state.hidden[r]));
      });
      placeLegend(step);
    }

    function show() {
      view.draw(state);
      sync();
      showTip();
    }

    function tick(now) {
      pending = false;
      if (state.playing) {
        var frame = video ? view.current() :
          clock.frame + Math.floor((now - clock.time) / 1000 * scene.fps * state.speed);
        if (frame > last && !video) {
          if (state.loop) {
            frame = frame % (last + 1);
            clock = {time: now, frame: frame};
          } else {
            frame = last;
            state.playing = false;
          }
        }
        state.frame = Math.max(0, Math.min(frame, last));
      }
      show();
      if (state.playing) {
        request();
      }
    }

    function request() {
      sync();
      if (!pending) {
        pending = true;
        requestAnimationFrame(tick);
      }
    }
    view.onload = request;

    function start() {
      if (state.frame >= last) {
        state.frame = 0;
      }
      state.playing = true;
      clock = {time: performance.now(), frame: state.frame};
      if (video) {
        view.start(state);
      }
      request();
    }

    function stop() {
      state.playing = false;
      if (video) {
        view.stop();
        state.frame = view.current();
      }
      request();
    }

    function goTo(frame) {
      if (state.playing) {
        stop();
      }
      state.frame = Math.max(0, Math.min(frame, last));
      request();
    }

    // the shown step nearest to `step`, as the first frame that shows it
    function frameOfStep(step) {
      var best = 0;
      scene.shown.forEach(function (s, i) {
        if (Math.abs(s - step) < Math.abs(scene.shown[best] - step)) {
          best = i;
        }
      });
      return scene.firstFrame[best];
    }

    function stepBy(delta) {
      var index = scene.frames[state.frame] + delta;
      index = Math.max(0, Math.min(index, scene.shown.length - 1));
      goTo(scene.firstFrame[index]);
    }

    function fromHash() {
      var match = /(?:^#|&)step=(\d+)/.exec(window.location.hash);
      if (match) {
        goTo(frameOfStep(Number(match[1])));
        return true;
      }
      return false;
    }

    play.addEventListener("click", function () {
      if (state.playing) {
        stop();
      } else {
        start();
      }
    });
    q(".rp-back").addEventListener("click", function () { stepBy(-1); });
    q(".rp-forward").addEventListener("click", function () { stepBy(1); });
    scrub.addEventListener("input", function () { goTo(frameOfStep(Number(scrub.value))); });
    loop.addEventListener("click", function () {
      state.loop = !state.loop;
      if (video) {
        view.video.loop = state.loop;
      }
      request();
    });
    speed.addEventListener("change", function () {
      state.speed = Number(speed.value);
      if (video) {
        view.video.playbackRate = state.speed;
      }
      clock = {time: performance.now(), frame: state.frame};
    });
    if (video) {
      view.video.addEventListener("ended", function () {
        state.playing = false;
        state.frame = last;
        request();
      });
      view.video.addEventListener("seeked", request);
    }

    root.addEventListener("keydown", function (event) {
      var tag = event.target.tagName;
      var keys = {" ": 0, ArrowLeft: 1, ArrowRight: 1, Home: 1, End: 1};
      if (!(event.key in keys) || tag === "SELECT" || event.altKey || event.ctrlKey ||
          event.metaKey || (event.key === " " && tag === "BUTTON")) {
        return;                // a focused button or list keeps its own keys
      }
      event.preventDefault();
      event.stopPropagation();           // a slide deck's own arrow keys wait outside
      if (event.key === " ") {
        play.click();
      } else if (event.key === "ArrowLeft") {
        stepBy(-1);
      } else if (event.key === "ArrowRight") {
        stepBy(1);
      } else if (event.key === "Home") {
        goTo(0);
      } else {
        goTo(scene.firstFrame[scene.shown.length - 1]);
      }
    });
    window.addEventListener("hashchange", fromHash);

    // -- racers: a toggle on each legend entry (or in the controls when there is no legend) --
    function placeLegend(step) {
      var variant = legendAt(scene, step);
      toggles.forEach(function (button, r) {
        var box = variant ? variant.entries[r] : scene.racers[r].legend;
        if (button.classList.contains("rp-legend") && box) {
          button.style.left = (100 * box[0] / scene.width) + "%";
          button.style.top = (100 * box[1] / scene.height) + "%";
          button.style.width = (100 * (box[2] - box[0]) / scene.width) + "%";
          button.style.height = (100 * (box[3] - box[1]) / scene.height) + "%";
        }
      });
    }

    if (!video) {
      scene.racers.forEach(function (racer, r) {
        var button = document.createElement("button");
        button.type = "button";
        button.setAttribute("aria-label", "Show " + racer.label);
        button.title = "Show or hide " + racer.label;
        if (racer.legend) {
          button.className = "rp-legend";
          stage.appendChild(button);
        } else {
          button.className = "rp-racer";
          var swatch = document.createElement("span");
          swatch.className = "rp-swatch";
          swatch.style.background = racer.color;
          button.appendChild(swatch);
          button.appendChild(document.createTextNode(racer.label));
          q(".rp-racers").appendChild(button);
        }
        button.addEventListener("click", function () {
          state.hidden[r] = !state.hidden[r];
          request();
        });
        toggles.push(button);
      });
    }

    // -- hover and tap: a ball's numbers --
    function figurePoint(event) {
      var rect = stage.getBoundingClientRect();
      return [(event.clientX - rect.left) * scene.width / rect.width,
              (event.clientY - rect.top) * scene.height / rect.height];
    }

    function showTip() {
      var index = scene.frames[state.frame];
      var ball = state.hover && ballAt(scene, state, index, state.hover);
      if (!ball) {
        tip.hidden = true;
        return;
      }
      var content = tipLines(scene, state);
      tip.textContent = "";
      var name = document.createElement("b");
      name.textContent = content.name;
      tip.appendChild(name);
      tip.appendChild(document.createTextNode("\n" + content.lines.join("\n")));
      tip.hidden = false;
      var right = ball.x > scene.width / 2;
      var below = ball.y < scene.height / 2;
      tip.style.left = right ? "" : (100 * (ball.x + 14) / scene.width) + "%";
      tip.style.right = right ? (100 * (1 - (ball.x - 14) / scene.width)) + "%" : "";
      tip.style.top = below ? (100 * (ball.y + 14) / scene.height) + "%" : "";
      tip.style.bottom = below ? "" : (100 * (1 - (ball.y - 14) / scene.height)) + "%";
    }

    if (!video) {
      stage.addEventListener("pointermove", function (event) {
        if (state.pinned || event.pointerType === "touch") {
          return;
        }
        var p = figurePoint(event);
        var hover = nearestBall(scene, state, p[0], p[1]);
        if (JSON.stringify(hover) !== JSON.stringify(state.hover)) {
          state.hover = hover;
          request();
        }
      });
      stage.addEventListener("pointerleave", function () {
        if (!state.pinned && state.hover) {
          state.hover = null;
          request();
        }
      });
      stage.addEventListener("pointerdown", function (event) {
        if (event.target.tagName === "BUTTON") {
          return;
        }
        var p = figurePoint(event);
        var hover = nearestBall(scene, state, p[0], p[1]);
        state.pinned = hover !== null;           // a tap keeps the numbers until the next tap
        state.hover = hover;
        request();
      });
    }
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(request).observe(stage);
    } else {
      window.addEventListener("resize", request);
    }

    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
    if (!fromHash()) {
      if (still && still.matches) {
        request();
      } else {
        start();
      }
    }
  }

  window.RacePlayer = {mount: mount, draw: draw, decode: decode};
})();
