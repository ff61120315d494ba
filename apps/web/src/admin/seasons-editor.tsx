import type { components } from '../schema/generated/schema';
import { FieldError } from '../ui/feedback';

type SeasonBody = components['schemas']['SeasonBody'];
type EpisodeBody = components['schemas']['EpisodeBody'];

/** Numbers follow the order on screen: seasons and episodes are reordered by moving them. */
function renumbered<T extends { number: number }>(items: T[]): T[] {
  return items.map((item, index) => ({ ...item, number: index + 1 }));
}

function moved<T>(items: T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length) return items;
  const next = [...items];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

function newEpisode(number: number): EpisodeBody {
  return { number, name: '', synopsis: '', runtimeMinutes: 45 };
}

/**
 * A series' seasons and their episodes: add, remove and reorder them, edit their names and
 * runtimes. The API's errors for each (e.g. `seasons[0].episodes[2].name`) show beside it.
 */
export function SeasonsEditor({
  seasons,
  onChange,
  fieldError,
}: {
  seasons: SeasonBody[];
  onChange: (seasons: SeasonBody[]) => void;
  fieldError: (field: string) => string | undefined;
}) {
  const setSeason = (index: number, season: SeasonBody) =>
    onChange(seasons.map((current, i) => (i === index ? season : current)));
  const setEpisodes = (index: number, episodes: EpisodeBody[]) => {
    const season = seasons[index];
    if (season) setSeason(index, { ...season, episodes: renumbered(episodes) });
  };
  return (
    <fieldset className="seasons-editor" aria-describedby="title-seasons-error">
      <legend>Seasons and episodes</legend>
      <FieldError id="title-seasons-error" message={fieldError('seasons')} />
      {seasons.map((season, s) => {
        const at = `seasons[${s}]`;
        return (
          <section key={s} className="season-editor" aria-label={`Season ${season.number}`}>
            <h3>Season {season.number}</h3>
            <FieldError id={`${at}-number-error`} message={fieldError(`${at}.number`)} />
            <label htmlFor={`${at}-name`}>Season {season.number} name</label>
            <input
              id={`${at}-name`}
              value={season.name ?? ''}
              aria-invalid={Boolean(fieldError(`${at}.name`))}
              aria-describedby={`${at}-name-error`}
              onChange={(e) => setSeason(s, { ...season, name: e.target.value })}
            />
            <FieldError id={`${at}-name-error`} message={fieldError(`${at}.name`)} />
            <div className="part-actions">
              <button
                type="button"
                className="button--secondary"
                onClick={() => onChange(renumbered(moved(seasons, s, s - 1)))}
                disabled={s === 0}
              >
                Move season {season.number} up
              </button>
              <button
                type="button"
                className="button--secondary"
                onClick={() => onChange(renumbered(moved(seasons, s, s + 1)))}
                disabled={s === seasons.length - 1}
              >
                Move season {season.number} down
              </button>
              <button
                type="button"
                className="button--danger-quiet"
                onClick={() => onChange(renumbered(seasons.filter((_, i) => i !== s)))}
              >
                Remove season {season.number}
              </button>
            </div>
            <FieldError id={`${at}-episodes-error`} message={fieldError(`${at}.episodes`)} />
            <ol className="episodes-editor">
              {season.episodes.map((episode, e) => {
                const ep = `${at}.episodes[${e}]`;
                const name = `S${season.number} E${episode.number}`;
                return (
                  <li key={e}>
                    <label htmlFor={`${ep}-name`}>{name} name</label>
                    <input
                      id={`${ep}-name`}
                      value={episode.name}
                      aria-invalid={Boolean(fieldError(`${ep}.name`))}
                      aria-describedby={`${ep}-name-error`}
                      onChange={(ev) =>
                        setEpisodes(
                          s,
                          season.episodes.map((x, i) =>
                            i === e ? { ...x, name: ev.target.value } : x,
                          ),
                        )
                      }
                    />
                    <FieldError id={`${ep}-name-error`} message={fieldError(`${ep}.name`)} />
                    <label htmlFor={`${ep}-runtime`}>{name} runtime in minutes</label>
                    <input
                      id={`${ep}-runtime`}
                      type="number"
                      value={episode.runtimeMinutes}
                      aria-invalid={Boolean(fieldError(`${ep}.runtimeMinutes`))}
                      aria-describedby={`${ep}-runtime-error`}
                      onChange={(ev) =>
                        setEpisodes(
                          s,
                          season.episodes.map((x, i) =>
                            i === e ? { ...x, runtimeMinutes: Number(ev.target.value) } : x,
                          ),
                        )
                      }
                    />
                    <FieldError
                      id={`${ep}-runtime-error`}
                      message={fieldError(`${ep}.runtimeMinutes`)}
                    />
                    <div className="part-actions">
                      <button
                        type="button"
                        className="button--secondary"
                        onClick={() => setEpisodes(s, moved(season.episodes, e, e - 1))}
                        disabled={e === 0}
                      >
                        Move {name} up
                      </button>
                      <button
                        type="button"
                        className="button--secondary"
                        onClick={() => setEpisodes(s, moved(season.episodes, e, e + 1))}
                        disabled={e === season.episodes.length - 1}
                      >
                        Move {name} down
                      </button>
                      <button
                        type="button"
                        className="button--danger-quiet"
                        onClick={() =>
                          setEpisodes(
                            s,
                            season.episodes.filter((_, i) => i !== e),
                          )
                        }
                      >
                        Remove {name}
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
            <button
              type="button"
              className="button--secondary"
              onClick={() =>
                setEpisodes(s, [...season.episodes, newEpisode(season.episodes.length + 1)])
              }
            >
              Add an episode to season {season.number}
            </button>
          </section>
        );
      })}
      <button
        type="button"
        className="button--secondary"
        onClick={() =>
          onChange([
            ...seasons,
            { number: seasons.length + 1, name: '', episodes: [newEpisode(1)] },
          ])
        }
      >
        Add a season
      </button>
    </fieldset>
  );
}
