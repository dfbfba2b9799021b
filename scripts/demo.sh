#!/usr/bin/env bash
# Runs one entrusted-care case (委托照护) through the real workflow on a fresh embedded database
# (./demo.redb by default; your ./wardflow.redb is never touched).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
wardflow() { ./target/debug/wardflow "$@"; }
export WARDFLOW_DB="${WARDFLOW_DB:-./demo.redb}" WARDFLOW_WORKFLOWS=./workflows WARDFLOW_USER="${WARDFLOW_USER:-张敏}"
rm -f "$WARDFLOW_DB" "$WARDFLOW_DB.access"
today=$(TZ=Asia/Shanghai date '+%Y-%m-%d')
next_year=$(TZ=Asia/Shanghai date -d '+1 year -1 day' '+%Y-%m-%d')
# Output files go to a fresh directory: wardflow never overwrites an existing file without --force.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
vetting="$scratch/vetting.yaml"

echo "== 初始化数据库并发布流程"
# 演示库：张敏是管理员，兼任全部流程角色（--admin-role '*'）；正式使用时按人登记角色和单位（wardflow user add）。
wardflow init --profile qianjiang --admin-role '*'
echo "== 父亲外出务工，向村委会报告备案（送达监护人责任告知书）"
case_id=$(wardflow case open entrusted-care --as parent \
  --set child.name=李小明 --set child.birth_date=2018-05-01 --set child.sex=male --set parent.name=李强 \
  --set parent.work_place=广东省东莞市长安镇某电子厂 --set parent.phone=13800000000)
echo "案件编号：$case_id"

echo "== 审核被委托人：有赌博恶习的亲属被拒绝，并说明法律依据"
cat > "$vetting" <<YAML
carer: { name: 李大勇, birth_date: 1980-06-01, relation: other_relative, full_capacity: true,
         able_to_care: true, lives_with_child: true, record_of_harm: false, addiction: true,
         neglected_duty: false, otherwise_unsuitable: false, serious_infectious_disease: false }
child: { special_needs: false, can_express_views: true, views: 愿意和奶奶一起生活 }
YAML
wardflow case advance "$case_id" approve_carer --as village_committee --data "$vetting" || true

echo "== 改由祖母照护：审核通过"
sed -i 's/name: 李大勇, birth_date: 1980-06-01, relation: other_relative/name: 王秀英, birth_date: 1958-03-02, relation: grandparent/; s/addiction: true/addiction: false/' "$vetting"
wardflow case advance "$case_id" approve_carer --as village_committee --data "$vetting"

echo "== 签订委托照护协议，书面告知学校和村委会"
wardflow case advance "$case_id" sign_agreement --as village_committee \
  --set entrustment.start_date="$today" --set entrustment.end_date="$next_year" \
  --set entrustment.contact_plan="每周日晚视频通话" --set parent.departure_date="$today" \
  --set entrustment.witness_name=赵村主任 --set carer.phone=13900000000
echo "== 现在可以做什么"
wardflow case next "$case_id"
echo "== 案件详情"
wardflow case show "$case_id"
echo "== 未来两周到期的期限"
wardflow agenda --days 14
echo "== 村委会出具监护人责任告知书（存档，带核验码）"
wardflow letter issue "$case_id" guardian-duty-notice --as village_committee
wardflow letter list --case "$case_id"
letter_file="$scratch/letter.html"
wardflow letter export "$(wardflow letter list --case "$case_id" --json | sed -n 's/.*"letter": "\(L[0-9-]*\)".*/\1/p' | tail -1)" --format html --out "$letter_file"
echo "== 核验导出的文书"
wardflow letter verify "$letter_file"
echo "== 案件记录"
wardflow case history "$case_id"
echo "== 历史链校验与签名导出"
wardflow verify
export_file="$scratch/case-export.json"
wardflow case export "$case_id" --out "$export_file"
wardflow verify --file "$export_file" --key "$(wardflow key show --json | sed -n 's/.*"public_key": "\(.*\)".*/\1/p')"
