import sharp from 'sharp';
import { isProcessAlive, waitFor } from '@kinema/dev-infra';
import { ReadinessDetails } from '@kinema/platform/ops';
import { ArtworkImageProcess } from './artwork-image-process';

let images: ArtworkImageProcess;
let readiness: ReadinessDetails;

beforeEach(() => {
  readiness = new ReadinessDetails();
  images = new ArtworkImageProcess(readiness);
});

const imageProcess = () =>
  (readiness.snapshot()['artwork'] as { imageProcess: string }).imageProcess;

afterEach(() => images.onApplicationShutdown());

/** A flat-colour PNG of the given size. */
function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3a6ea5' } })
    .png()
    .toBuffer();
}

describe('ArtworkImageProcess', () => {
  it('reports no process before the first image', () => {
    expect(imageProcess()).toBe('stopped');
  });

  it('ends its process once no image comes, and starts a new one for the next image', async () => {
    expect(await images.inspect(await png(64, 32))).toEqual({
      format: 'png',
      width: 64,
      height: 32,
    });
    const first = images.pid;
    expect(first).toBeDefined();
    expect(imageProcess()).toBe('running');
    await waitFor(async () => images.pid === undefined && !isProcessAlive(first ?? 0), 'it exits');
    // Readiness says so once the process has exited (npm start's banner waits for it).
    await waitFor(async () => imageProcess() === 'stopped', 'readiness says it stopped');
    const [variant] = (await images.render(await png(64, 32), [{ width: 32, height: 16 }])) ?? [];
    expect(await sharp(variant).metadata()).toMatchObject({
      format: 'webp',
      width: 32,
      height: 16,
    });
  });

  it('fails the images in flight when its process dies, and answers the next with a new one', async () => {
    const image = await png(640, 360);
    const inFlight = images.render(image, [{ width: 320, height: 180 }]);
    const killed = images.pid;
    process.kill(killed ?? 0, 'SIGKILL');
    await expect(inFlight).rejects.toThrow('the artwork image process exited (SIGKILL)');
    expect(await images.inspect(image)).toEqual({ format: 'png', width: 640, height: 360 });
    expect(images.pid).not.toBe(killed);
  });

  it('answers undecodable bytes with nothing rather than an error', async () => {
    expect(await images.inspect(Buffer.from('not an image'))).toBeUndefined();
    const truncated = (await png(640, 360)).subarray(0, 200);
    expect(await images.render(truncated, [{ width: 320, height: 180 }])).toBeUndefined();
  });
});
