import { describe, expect, it } from 'vitest';
import { planFrame } from './frame';

const tall = { width: 100, height: 200 };

describe('planFrame', () => {
  it('fits the box between the margins and centres it (contain)', () => {
    expect(planFrame(tall, { width: 1000, height: 1000, margin: 0.1, fit: 'contain' })).toEqual({
      canvas: { width: 1000, height: 1000 },
      box: { left: 300, top: 100, width: 400, height: 800 },
      clip: { left: 0, top: 0, width: 1000, height: 1000 },
    });
  });

  it('takes each side its own margin', () => {
    const { box } = planFrame(tall, { width: 1000, height: 1000, margin: { top: 0.3, right: 0, bottom: 0.1, left: 0.2 }, fit: 'contain' });
    expect(box).toEqual({ left: 450, top: 300, width: 300, height: 600 });
  });

  it('covers the space inside the margins and clips to it (cover)', () => {
    const frame = planFrame(tall, { width: 1000, height: 1000, margin: 0.1, fit: 'cover' });
    expect(frame.box).toEqual({ left: 100, top: -300, width: 800, height: 1600 });
    expect(frame.clip).toEqual({ left: 100, top: 100, width: 800, height: 800 });
  });

  it('makes the box that share of the longer side with fill, whatever the margin', () => {
    const { box } = planFrame(tall, { width: 2000, height: 2000, fill: 0.85, margin: 0.3, fit: 'contain' });
    expect(box).toEqual({ left: 575, top: 150, width: 850, height: 1700 });
  });

  it('shrinks a fill the canvas cannot hold to the largest that fits', () => {
    const { box } = planFrame(tall, { width: 1000, height: 800, fill: 0.9, fit: 'contain' });
    expect(box).toEqual({ left: 300, top: 0, width: 400, height: 800 });
  });

  it('sizes a missing canvas from the subject plus its margins, or plus the padding a fill leaves', () => {
    expect(planFrame(tall, { margin: 0.1, fit: 'contain' }).canvas).toEqual({ width: 125, height: 250 });
    expect(planFrame(tall, { fill: 0.8, fit: 'contain' }).canvas).toEqual({ width: 150, height: 250 });
    expect(planFrame(tall, { width: 500, margin: 0.1, fit: 'contain' }).canvas).toEqual({ width: 500, height: 1000 });
    expect(planFrame(tall, { height: 500, fill: 0.8, fit: 'contain' }).canvas).toEqual({ width: 300, height: 500 });
  });

  it('uses the default margin of 0.05 when neither margin nor fill is given', () => {
    expect(planFrame(tall, { width: 1000, height: 1000, fit: 'contain' }).box).toEqual({ left: 275, top: 50, width: 450, height: 900 });
  });
});
