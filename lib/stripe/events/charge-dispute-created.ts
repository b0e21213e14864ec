import { disputeHandler } from "./charge-dispute";

/** A card dispute opened: spending stops until it is resolved. */
export const chargeDisputeCreated = disputeHandler;
