import { backdropSvg, posterSvg } from './demo-artwork-svg';

describe('demo artwork drawings', () => {
  const subject = { name: 'The Long Harbour', genres: ['Drama', 'Crime'] };

  it('draws the same picture for the same title every time', () => {
    expect(posterSvg(subject)).toBe(posterSvg({ ...subject, genres: [...subject.genres] }));
    expect(backdropSvg(subject)).toBe(backdropSvg(subject));
  });

  it('draws different pictures for different titles', () => {
    expect(posterSvg(subject)).not.toBe(posterSvg({ ...subject, name: 'The Short Harbour' }));
    expect(posterSvg(subject)).not.toBe(posterSvg({ ...subject, genres: ['Comedy'] }));
  });

  it('writes the name and genres on the poster as text, escaped', () => {
    const svg = posterSvg({ name: 'Cats & <Dogs>', genres: ['Comedy'] });
    expect(svg).toContain('CATS &#38; &#60;DOGS&#62;');
    expect(svg).toContain('>COMEDY<');
    expect(svg).not.toContain('<DOGS>');
  });
});
