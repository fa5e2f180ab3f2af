/** A beep and a vibration per verdict: high and short for admitted, low for amber, two low for red. */

let audio: AudioContext | undefined;

/** Browsers start audio only after a user gesture: the first tap anywhere unlocks it. */
export function unlockAudio(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = undefined;
  }
}

function tone(frequency: number, start: number, duration: number): void {
  if (audio?.state !== 'running') return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = frequency;
  gain.gain.value = 0.2;
  osc.connect(gain).connect(audio.destination);
  const t = audio.currentTime + start;
  osc.start(t);
  osc.stop(t + duration);
}

export function signal(kind: 'green' | 'amber' | 'red'): void {
  if (kind === 'green') tone(1320, 0, 0.12);
  else if (kind === 'amber') tone(660, 0, 0.25);
  else {
    tone(330, 0, 0.18);
    tone(330, 0.25, 0.18);
  }
  const pattern = kind === 'green' ? [80] : kind === 'amber' ? [200] : [150, 100, 150];
  try {
    navigator.vibrate?.(pattern);
  } catch {
    // No vibration motor or not allowed: the screen and the sound still say it.
  }
}
