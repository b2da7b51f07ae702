#version 410 core
// The cover of the cached cube layer (core/cube-cache.ts): rectangles of screen tiles, in NDC;
// repainting, also squares drawn as points.
layout(location = 0) in vec2 a_ndc;
// Points only (repainted cubes): the side of the square, pixels. Unused by the rectangles' triangles.
layout(location = 1) in float a_size;

void main() {
  gl_Position = vec4(a_ndc, 0.0, 1.0);
  gl_PointSize = a_size;
}
