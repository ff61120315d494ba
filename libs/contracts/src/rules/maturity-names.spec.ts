import { MATURITY_RATING_NAMES } from './maturity-names';
import { MATURITY_RATINGS } from './vocabulary';

describe('the maturity names the web app imports', () => {
  it('are the vocabulary the API validates against, in the same order (mildest first)', () => {
    expect(MATURITY_RATINGS.values).toEqual(MATURITY_RATING_NAMES);
  });
});
