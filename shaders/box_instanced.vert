#version 410 core
// Instanced unit cubes (spec §7.3, §7.4). Per vertex: unit-cube corner + flat face normal.
// Per instance: position, RGBA colour, scale (edge length per axis).
// Lighting is evaluated here, once per vertex: faces are flat and the light is directional, so
// the Phong terms are constant over a face (the view vector varies < 0.5% across a cube 200
// units away). The fragment shader then only writes a flat colour, which keeps llvmpipe fast.
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec3 i_position;
layout(location = 3) in vec4 i_color;
layout(location = 4) in vec3 i_scale;

uniform mat4 u_view_projection;
uniform vec3 u_light_dir;   // direction the light travels, world space
uniform vec3 u_camera_pos;

flat out vec4 v_color;

const float AMBIENT = 0.25;
const float DIFFUSE = 0.65;
const float SHININESS = 32.0;
const float SPECULAR = 0.3;

void main() {
  vec3 world = a_position * i_scale + i_position;
  gl_Position = u_view_projection * vec4(world, 1.0);
  vec3 n = normalize(a_normal / max(abs(i_scale), vec3(1e-6)));
  vec3 l = normalize(-u_light_dir);
  float diffuse = max(dot(n, l), 0.0);
  vec3 v = normalize(u_camera_pos - world);
  vec3 h = normalize(l + v);
  float specular = pow(max(dot(n, h), 0.0), SHININESS) * SPECULAR;
  v_color = vec4(i_color.rgb * (AMBIENT + DIFFUSE * diffuse) + vec3(specular), i_color.a);
}
