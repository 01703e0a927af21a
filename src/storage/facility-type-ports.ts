/**
 * Facility types: the kinds of service staff manage (clinic, police station, water point),
 * each with its name in every language the programme offers. A facility has one type; a
 * questionnaire serves one or more types. The code is the identity (facilities, questionnaires
 * and exports refer to it) and never changes; the names may be changed.
 */

/** How a type is called in one language. */
export type FacilityTypeName = {
  /** one of them, as a heading or label says it: "Water point" */
  name: string;
  /** several of them, as a sentence says it: "Rank 2 of 9 water points in Riverside" (the scorecard SMS) */
  plural: string;
};

export type FacilityType = {
  /** lower-case letters, digits and _: "water_point" */
  code: string;
  /** per language code ("en", "sw", "zu") */
  names: Record<string, FacilityTypeName>;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  /** increases on every save; saves are compare-and-set, so two editors cannot overwrite each other unseen */
  revision: number;
};

export interface FacilityTypeRepository {
  /** False (and nothing written) when the code is taken, even by a concurrent create. */
  create(type: FacilityType): Promise<boolean>;
  get(code: string): Promise<FacilityType | null>;
  /** Every type, by code. */
  list(): Promise<FacilityType[]>;
  /** Saves when the stored revision is still `expectedRevision` (stored as expected + 1); false otherwise or when absent. */
  update(type: FacilityType, expectedRevision: number): Promise<boolean>;
}
