/**
 * The fix variants: where the proposed serialising gate sits in the block layer. A value package with no
 * dependencies, so that the block layer, snapshots, events and views can all name a variant.
 */
package dev.blockstep.engine.fix;
