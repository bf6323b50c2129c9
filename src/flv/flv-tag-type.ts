/**
 * FLV tag types (Adobe FLV spec v10.1, Annex E.4.1 "FLV Tags", TagType).
 */
export const FlvTagType = {
  Audio: 8,
  Video: 9,
  Script: 18,
} as const;
export type FlvTagType = (typeof FlvTagType)[keyof typeof FlvTagType];
