#include "scenario.hpp"

namespace parley_load {

std::unique_ptr<Scenario> make_pairs_scenario(const Options& opt, bool open_loop);
std::unique_ptr<Scenario> make_fanout_scenario(const Options& opt);
std::unique_ptr<Scenario> make_idle_scenario(const Options& opt);
std::unique_ptr<Scenario> make_login_scenario(const Options& opt);
std::unique_ptr<Scenario> make_offline_scenario(const Options& opt);

std::unique_ptr<Scenario> make_scenario(const Options& opt) {
  switch (opt.scenario) {
    case ScenarioKind::idle:
      return make_idle_scenario(opt);
    case ScenarioKind::private_messages:
      return make_pairs_scenario(opt, false);
    case ScenarioKind::light:
      return make_pairs_scenario(opt, true);
    case ScenarioKind::fanout:
      return make_fanout_scenario(opt);
    case ScenarioKind::login:
      return make_login_scenario(opt);
    case ScenarioKind::offline:
      return make_offline_scenario(opt);
  }
  return nullptr;
}

}  // namespace parley_load
