#version 410 core
// Glyph coverage from the single-channel atlas times the vertex colour's alpha (spec §7.5).
// Background boxes sample the atlas's solid white texel.
in vec2 v_uv;
in vec4 v_color;

uniform sampler2D u_atlas;

out vec4 frag_color;

void main() {
  frag_color = vec4(v_color.rgb, v_color.a * texture(u_atlas, v_uv).r);
}
