import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { NextFunction, Request, Response } from 'express';

/**
 * The GraphiQL playground, served by the app itself as one self-contained page (no CDN), for a
 * browser's GET on the GraphQL path. Other requests go on to the GraphQL server.
 */
export function graphiqlMiddleware(endpoint: string) {
  let page: string | null = null;
  return (req: Request, res: Response, next: NextFunction): void => {
    const wantsHtml = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
    if (!wantsHtml) return next();
    page ??= renderGraphiQL({
      endpoint,
      title: 'Logisynapse GraphQL',
      defaultQuery: [
        '# Get a token: POST /oauth/token (client credentials), then add the header',
        '#   {"Authorization": "Bearer <access_token>"}',
        '# below in Headers. Try:',
        'query { shipments(first: 10) { edges { node { id status trackingNumber } } } }',
      ].join('\n'),
    } as Parameters<typeof renderGraphiQL>[0]);
    res.type('html').send(page);
  };
}
