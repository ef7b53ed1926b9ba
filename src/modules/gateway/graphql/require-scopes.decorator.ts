import { SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPES = 'logisynapse:required-scopes';

/** The action a resolver performs, as the scopes a token must carry. Every resolver declares one. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);
