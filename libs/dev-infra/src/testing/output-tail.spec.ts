import { outputTail, PRINTED_LINES } from './output-tail';

describe('outputTail', () => {
  it('prints every line of a short output under its heading', () => {
    expect(outputTail('The output', ['one', 'two'])).toBe('\nThe output:\none\ntwo\n');
  });

  it('prints the last lines of a long output and counts the ones left out', () => {
    const lines = Array.from({ length: PRINTED_LINES + 3 }, (_, i) => `line ${i}`);
    const printed = outputTail('The output', lines).split('\n');
    expect(printed[1]).toBe(`The output (the last ${PRINTED_LINES}; 3 earlier lines left out):`);
    expect(printed[2]).toBe('line 3');
    expect(printed.at(-2)).toBe(`line ${PRINTED_LINES + 2}`);
    expect(printed).toHaveLength(PRINTED_LINES + 3);
  });
});
