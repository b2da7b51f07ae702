#version 410 core
// Solid quads of the text batches (label boxes, overlay backgrounds, caption band, chart bars):
// the vertex colour as it is. text.frag would give the same pixels (the atlas's solid texel is
// exactly 1), after a trilinear texture fetch that costs llvmpipe most of the fill of a panel.
in vec2 v_uv;
in vec4 v_color;

out vec4 frag_color;

void main() {
  frag_color = v_color;
}
