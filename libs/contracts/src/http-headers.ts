/**
 * The request header a signed-in client names the profile it browses, plays and saves progress
 * as with (lower case, as Node presents header names); the gateway checks it is the caller's.
 */
export const PROFILE_HEADER = 'x-profile-id';
