/**
 * The rear camera and the frame loop: one frame at a time goes to the decoder worker (the next
 * only once it answers), scaled down to at most 800 px wide, which is plenty for a badge QR.
 */

export interface Camera {
  readonly torch: boolean;
  setTorch(on: boolean): Promise<void>;
  stop(): void;
}

const MAX_WIDTH = 800;

export async function startCamera(video: HTMLVideoElement, onText: (text: string) => void): Promise<Camera> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  const track = stream.getVideoTracks()[0]!;
  const capabilities = (track.getCapabilities?.() ?? {}) as MediaTrackCapabilities & { torch?: boolean };
  const worker = new Worker(new URL('./decoder.worker.ts', import.meta.url), { type: 'module' });
  const offscreen = typeof OffscreenCanvas !== 'undefined' && typeof createImageBitmap === 'function';
  const fallback = offscreen ? undefined : document.createElement('canvas');
  let busy = false;
  let stopped = false;
  worker.onmessage = (m: MessageEvent<{ text: string | null }>) => {
    busy = false;
    if (m.data.text && !stopped) onText(m.data.text);
  };
  worker.onerror = () => {
    busy = false;
  };

  const grab = async () => {
    // Nothing to decode (and no battery to spend) while the screen is off or another app is in front.
    if (stopped || busy || document.hidden || video.readyState < 2 || !video.videoWidth) return;
    busy = true;
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    try {
      if (offscreen) {
        const bitmap = await createImageBitmap(video, { resizeWidth: width, resizeHeight: height });
        worker.postMessage({ bitmap }, [bitmap]);
      } else {
        fallback!.width = width;
        fallback!.height = height;
        const context = fallback!.getContext('2d', { willReadFrequently: true })!;
        context.drawImage(video, 0, 0, width, height);
        const { data } = context.getImageData(0, 0, width, height);
        worker.postMessage({ data, width, height }, [data.buffer]);
      }
    } catch {
      busy = false;
    }
  };
  const timer = setInterval(grab, 100);

  return {
    torch: capabilities.torch === true,
    async setTorch(on) {
      await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      worker.terminate();
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}
