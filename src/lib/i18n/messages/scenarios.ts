import { catalog } from '../catalog';

/** Texts of the scenarios pages; keys start with "scenarios.". */
export const scenarios = catalog({}, {});
