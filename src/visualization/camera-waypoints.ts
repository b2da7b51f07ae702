/**
 * The camera path of a scene (spec §6.3): the animation module's waypoint schedule
 * (`buildWaypoints`) fed with this scene's framings — whole stages and single compute groups
 * framed from their matrices' boxes (`frameBoxes`, spec §6.2), the character framing of the
 * display, and, when a predicted character flies back, the next step's character framing as the
 * loop end (spec §5.11.3).
 *
 * What it is: a pure function of the scene and the aspect ratio; the scene memoises it per aspect,
 * so a resize re-frames (fixing spec §11.3 #12). What it is not: interpolation or the user's
 * orbit/zoom (animation/camera-path.ts).
 */
import type { Box, CameraKey, PathFramings, Waypoint } from '../animation/camera-path.js';
import { buildWaypoints, characterFraming, frameBoxes } from '../animation/camera-path.js';
import type { Timeline } from '../animation/timeline.js';
import type { SceneStage, SceneVisual } from './scene-types.js';
import type { Vec3 } from './visual-types.js';

export interface WaypointInput {
  readonly timeline: Timeline;
  readonly stages: readonly SceneStage[];
  readonly visuals: readonly SceneVisual[];
  /** Positions of the displayed characters (character framing), empty without a display. */
  readonly charPositions: readonly Vec3[];
  /** Next step's character positions (existing + end slot) when a character returns. */
  readonly nextCharPositions?: readonly Vec3[];
}

/** Boxes of a stage's drawn visuals, optionally only compute group g. */
export function stageBoxes(inp: WaypointInput, si: number, g = -1): Box[] {
  const st = inp.stages[si]!;
  const boxes: Box[] = [];
  for (let vi = st.firstVisual; vi < st.firstVisual + st.visualCount; vi++) {
    const v = inp.visuals[vi]!;
    if (g >= 0 && v.group !== g) continue;
    for (const b of v.boxes) boxes.push(b);
  }
  return boxes;
}

/** All waypoints of a scene at an aspect ratio, sorted by time. */
export function sceneWaypoints(inp: WaypointInput, aspect: number): Waypoint[] {
  const memo = new Map<string, CameraKey>();
  const frame = (si: number, g: number): CameraKey => {
    const key = `${si}/${g}`;
    let k = memo.get(key);
    if (k === undefined) {
      k = frameBoxes(stageBoxes(inp, si, g), aspect);
      memo.set(key, k);
    }
    return k;
  };
  const f: PathFramings = {
    characters: inp.charPositions.length > 0 ? characterFraming(inp.charPositions, aspect) : undefined,
    stage: (i) => frame(i, -1),
    group: (i, g) => frame(i, g),
    loopEnd: inp.nextCharPositions !== undefined && inp.nextCharPositions.length > 0
      ? characterFraming(inp.nextCharPositions, aspect) : undefined,
  };
  return buildWaypoints(inp.timeline, f);
}
