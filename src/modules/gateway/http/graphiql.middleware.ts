import type { NextFunction, Request, Response } from 'express';

/**
 * The GraphiQL playground, served by the app itself as one self-contained page (no CDN), for a
 * browser's GET on the GraphQL path. Other requests go on to the GraphQL server.
 *
 * The renderer is loaded on the first such GET, not at start: its bundle (GraphiQL, Monaco and
 * their workers, as strings) is about 15 MB of heap that a process nobody browses never needs.
 */
export function graphiqlMiddleware(endpoint: string) {
  let page: Promise<string> | null = null;
  const render = async (): Promise<string> => {
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    return renderGraphiQL({
      endpoint,
      title: 'Logisynapse GraphQL',
      defaultQuery: [
        '# Get a token: POST /oauth/token (client credentials), then add the header',
        '#   {"Authorization": "Bearer <access_token>"}',
        '# below in Headers. Try:',
        'query { shipments(first: 10) { edges { node { id status trackingNumber } } } }',
      ].join('\n'),
    } as Parameters<typeof renderGraphiQL>[0]);
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const wantsHtml = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
    if (!wantsHtml) return next();
    page ??= render();
    page.then(
      (html) => void res.type('html').send(html),
      (error: unknown) => {
        page = null;
        next(error);
      },
    );
  };
}
