import { UpstreamError, type UpstreamErrorCode } from "@/lib/upstream/types";

// One sentence per failure class, written for the person who pressed "Generate". They never name
// the provider, its status codes or its wording: those go to the server log only.
export const USER_MESSAGES: Readonly<Record<UpstreamErrorCode, string>> = {
  invalid_request: "The image service could not accept these settings. Check the prompt and settings, then try again.",
  unauthorized: "The studio could not sign in to the image service. This is a problem on our side; please try later.",
  provider_out_of_credits: "The image service is unavailable to the studio right now. Please try again later.",
  rate_limited: "The image service is busy right now. Please try again in a minute.",
  provider_error: "The image service had a problem making your images. Please try again.",
  provider_timeout: "The image service took too long to answer. Please try again.",
  network: "The studio could not reach the image service. Please try again shortly.",
  malformed_response: "The image service sent an answer the studio could not read. Please try again.",
  content_blocked: "The safety checker held back the images for this prompt. Try rewording it.",
  no_images: "No images came back from the image service. Please try again.",
  unsafe_image_link: "The image service sent an image link the studio does not trust, so it was not downloaded.",
  not_an_image: "The image service sent a file that is not a valid image.",
  download_failed: "The finished image could not be downloaded from the image service in time.",
};

export function upstreamError(code: UpstreamErrorCode, details: UpstreamError["details"] = {}): UpstreamError {
  return new UpstreamError(code, USER_MESSAGES[code], details);
}

/**
 * What went wrong in the provider's terms, for the admin area's failed generations: status, the
 * provider's own message, the network error code. Stored with the generation, never shown to users.
 */
export function providerErrorText(error: UpstreamError): string {
  const { status, providerMessage, cause } = error.details;
  const parts = [status === undefined ? error.code : `HTTP ${status}`];
  if (providerMessage) parts.push(providerMessage);
  const causeText = cause instanceof Error ? cause.message : typeof cause === "string" ? cause : null;
  if (causeText && causeText !== providerMessage) parts.push(causeText);
  return parts.join(": ").slice(0, 1000);
}
