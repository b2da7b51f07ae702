#version 410 core
// Flat-shaded cube fragment: the colour was lit per face in box_instanced.vert (spec §7.4).
flat in vec4 v_color;
out vec4 frag_color;

void main() {
  frag_color = v_color;
}
