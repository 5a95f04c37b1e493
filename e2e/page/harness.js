// The page side of the E2E tests: drives the official Twilio SDK (2.x `Twilio.Device` class or
// 1.x `Twilio.Device` singleton), records every event, and probes the call's received audio.
(function () {
  'use strict';
  const SOUND_KEYS = ['incoming', 'outgoing', 'disconnect', 'dtmf0', 'dtmf1', 'dtmf2', 'dtmf3', 'dtmf4', 'dtmf5', 'dtmf6', 'dtmf7', 'dtmf8', 'dtmf9', 'dtmfs', 'dtmfh'];
  const sounds = {};
  for (const k of SOUND_KEYS) sounds[k] = location.origin + '/silence.wav';
  const start = performance.now();
  const h = {
    log: [],
    device: null,
    call: null,
    probe: [],
    acceptedAt: null,
    note(event, detail) { h.log.push({ t: Math.round(performance.now() - start), event, detail: detail === undefined ? null : String(detail) }); },
    resetProbe() {
      if (h.probeTimer) clearInterval(h.probeTimer);
      if (h.probeRetry) clearInterval(h.probeRetry);
      h.probeTimer = null;
      h.probeRetry = null;
      h.probe = [];
      h.acceptedAt = null;
    },
    watchCall(call) {
      h.resetProbe();
      h.call = call;
      for (const name of ['accept', 'ringing', 'cancel', 'disconnect', 'error', 'reject', 'reconnecting', 'reconnected', 'warning', 'warning-cleared', 'messageReceived', 'messageSent']) {
        call.on(name, (arg) => {
          h.note('call.' + name, arg && arg.code !== undefined ? arg.code + ' ' + arg.message
            : arg && arg.content !== undefined ? JSON.stringify(arg.content)
            : (typeof arg === 'string' ? arg : undefined));
          if (name === 'accept') { h.acceptedAt = performance.now(); h.startProbe(); }
        });
      }
    },
    // ── 2.x ──
    async setup2(token, chunderw, options) {
      const Device = window.Twilio.Device;
      const device = new Device(token, Object.assign({ chunderw, sounds, logLevel: 'warn' }, options || {}));
      h.device = device;
      for (const name of ['registered', 'registering', 'unregistered', 'error', 'tokenWillExpire', 'destroyed']) {
        device.on(name, (arg) => h.note('device.' + name, arg && arg.code !== undefined ? arg.code + ' ' + arg.message : undefined));
      }
      device.on('incoming', (call) => { h.note('device.incoming', call.parameters.From); h.watchCall(call); });
      return true;
    },
    async register2() { await h.device.register(); return h.device.state; },
    async connect2(params) {
      const call = await h.device.connect({ params });
      h.watchCall(call);
      return true;
    },
    accept() { h.call.accept(); return true; },
    reject() { h.call.reject(); return true; },
    hangup() { h.call.disconnect(); return true; },
    digits(d) { h.call.sendDigits(d); return true; },
    message(content) { h.call.sendMessage({ content, contentType: 'application/json', messageType: 'user-defined-message' }); return true; },
    status() { return h.call ? h.call.status() : null; },
    callSid() { return h.call ? h.call.parameters.CallSid : null; },
    updateToken(t) { h.device.updateToken(t); return true; },
    dropSignaling() {
      let n = 0;
      for (const ws of window.__sockets) if (ws.readyState === 1) { ws.close(4000, 'test drops the connection'); n++; }
      return n;
    },
    since(mark, event) { return h.log.slice(mark).some((e) => e.event === event); },
    // ── 1.x ──
    setup1(token, chunderw, options) {
      const Device = window.Twilio.Device;
      Device.setup(token, Object.assign({ chunderw, sounds, debug: false, enableRingingState: true }, options || {}));
      Device.ready(() => h.note('device.ready'));
      Device.offline(() => h.note('device.offline'));
      Device.error((e) => h.note('device.error', e && e.code));
      Device.incoming((conn) => { h.note('device.incoming', conn.parameters.From); h.watchConnection(conn); });
      Device.cancel(() => h.note('device.cancel'));
      return true;
    },
    watchConnection(conn) {
      h.resetProbe();
      h.call = {
        accept: () => conn.accept(),
        reject: () => conn.reject(),
        disconnect: () => conn.disconnect(),
        sendDigits: (d) => conn.sendDigits(d),
        status: () => conn.status(),
        parameters: conn.parameters,
        getRemoteStream: () => conn.getRemoteStream(),
      };
      conn.accept(() => { h.note('call.accept'); h.acceptedAt = performance.now(); h.startProbe(); });
      conn.disconnect(() => h.note('call.disconnect'));
      conn.cancel(() => h.note('call.cancel'));
      conn.reject(() => h.note('call.reject'));
      conn.error((e) => h.note('call.error', e && e.code));
    },
    connect1(params) { h.watchConnection(window.Twilio.Device.connect(params)); return true; },
    // ── audio probe ──
    startProbe() {
      if (h.probeTimer) return;
      const stream = h.call.getRemoteStream();
      if (!stream || stream.getAudioTracks().length === 0) {
        // The remote track appears once ICE and DTLS are up, possibly after `accept`.
        if (!h.probeRetry) h.probeRetry = setInterval(() => { if (h.call.getRemoteStream()) { clearInterval(h.probeRetry); h.probeRetry = null; h.startProbe(); } }, 50);
        return;
      }
      const ctx = new AudioContext();
      const source = ctx.createMediaStreamSource(stream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      analyser.smoothingTimeConstant = 0;
      source.connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      h.probeTimer = setInterval(() => {
        analyser.getFloatFrequencyData(bins);
        let best = 0;
        for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
        h.probe.push({ t: performance.now(), hz: (best * ctx.sampleRate) / analyser.fftSize, db: bins[best] });
        if (h.probe.length > 20000) h.probe.shift();
      }, 10);
    },
    // First time (ms after accept) the dominant tone was `hz` ± tol, or null.
    heardAfterAccept(hz, tol) {
      const hit = h.probe.find((p) => Math.abs(p.hz - hz) <= tol && p.db > -60);
      return hit && h.acceptedAt !== null ? Math.round(hit.t - h.acceptedAt) : null;
    },
    // Longest stretch (ms) without the tone, between `fromMs` ago and now.
    longestGap(hz, tol, windowMs) {
      const now = performance.now();
      const points = h.probe.filter((p) => p.t >= now - windowMs);
      let last = points.length > 0 ? points[0].t : now;
      let gap = 0;
      for (const p of points) {
        if (Math.abs(p.hz - hz) <= tol && p.db > -60) { gap = Math.max(gap, p.t - last); last = p.t; }
      }
      return Math.round(Math.max(gap, now - last));
    },
  };
  window.h = h;
})();
