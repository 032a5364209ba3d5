import { describe, expect, it } from 'vitest';
import { sizeForAspectRatio } from './aspect-sizes';

const STABILITY = ['1024x1024', '1344x768', '1536x640', '1216x832', '1088x896', '896x1088', '832x1216', '768x1344', '640x1536'];
const FLUX = ['1024x1024', '1344x768', '768x1344', '1216x832', '832x1216', '1152x896', '896x1152'];

describe('sizeForAspectRatio', () => {
  it("answers a model's own size for the ratio when it lists one", () => {
    expect(sizeForAspectRatio({ sizes: STABILITY }, '16:9')).toBe('1344x768');
    expect(sizeForAspectRatio({ sizes: STABILITY }, '9:16')).toBe('768x1344');
    expect(sizeForAspectRatio({ sizes: FLUX }, '4:3')).toBe('1152x896');
    expect(sizeForAspectRatio({ sizes: FLUX }, '3:4')).toBe('896x1152');
  });

  it('keeps the usual size when the model lists it, or takes any size within bounds', () => {
    expect(sizeForAspectRatio({ sizes: ['512x512', '1024x1024', '2048x2048', '1024x576'] }, '1:1')).toBe('1024x1024');
    expect(sizeForAspectRatio({ sizes: ['512x512', '1024x1024', '2048x2048', '1024x576'] }, '16:9')).toBe('1024x576');
    expect(sizeForAspectRatio({ sizes: { minWidth: 64, minHeight: 64, maxWidth: 2048, maxHeight: 2048 } }, '16:9')).toBe('1024x576');
  });

  it('prefers the size nearest a megapixel among sizes of the same ratio', () => {
    expect(sizeForAspectRatio({ sizes: ['512x288', '1280x720', '3840x2160'] }, '16:9')).toBe('1280x720');
  });

  it('answers the usual size, for the size check to refuse, when no listed size is near the ratio', () => {
    expect(sizeForAspectRatio({ sizes: ['1024x1024', '1536x1024', '1024x1536'] }, '16:9')).toBe('1024x576');
    expect(sizeForAspectRatio({ sizes: STABILITY }, '4:3')).toBe('1024x768');
  });
});
