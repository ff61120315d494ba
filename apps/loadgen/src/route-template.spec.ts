import { routeTemplate } from './route-template';

const title = '0d3bc833-cc32-537d-959a-564078904826';
const profile = '6e2847b6-58f2-4795-8210-b64452283019';
const episode = '620803B8-0381-50D4-9518-B8E34DEBBBC8';

describe('route templates', () => {
  it.each([
    ['GET', '/api/v1/browse', 'GET /api/v1/browse'],
    ['get', '/api/v1/titles?q=gal&limit=20', 'GET /api/v1/titles'],
    ['GET', `/api/v1/titles/${title}`, 'GET /api/v1/titles/{id}'],
    ['PATCH', `/api/v1/titles/${title}`, 'PATCH /api/v1/titles/{id}'],
    [
      'GET',
      `/api/v1/titles/${title}/episodes/${episode}/stream?grant=a.b`,
      'GET /api/v1/titles/{id}/episodes/{episodeId}/stream',
    ],
    [
      'PUT',
      `/api/v1/me/profiles/${profile}/progress/${title}`,
      'PUT /api/v1/me/profiles/{profileId}/progress/{titleId}',
    ],
    [
      'DELETE',
      `/api/v1/me/profiles/${profile}/list/${title}`,
      'DELETE /api/v1/me/profiles/{profileId}/list/{titleId}',
    ],
    ['GET', `/api/v1/other/${title}`, 'GET /api/v1/other/{id}'],
    ['GET', '/api/v1/titles/not-an-id', 'GET /api/v1/titles/not-an-id'],
  ])('%s %s is %s', (method, path, template) => {
    expect(routeTemplate(method, path)).toBe(template);
  });
});
