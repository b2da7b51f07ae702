#version 410 core
// The cached cube layer's pass (core/cube-cache.ts): per pixel, instance number + 1 (0 = no
// cube; exact in a float up to 2²⁴), the face's two lighting terms and the fragment's depth, in
// one RGBA32F texel.
flat in uint v_index;
flat in vec2 v_shade;
out vec4 o_layer;

void main() {
  o_layer = vec4(float(v_index), v_shade, gl_FragCoord.z);
}
