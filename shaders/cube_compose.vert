#version 410 core
// The cover of the cached cube layer (core/cube-cache.ts): rectangles of screen tiles, in NDC.
layout(location = 0) in vec2 a_ndc;

void main() {
  gl_Position = vec4(a_ndc, 0.0, 1.0);
}
